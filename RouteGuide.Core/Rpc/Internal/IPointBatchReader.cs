namespace RouteGuide.Core.Rpc.Internal;

/// <summary>The next batch of points of a RecordRoute request stream, whichever way they are read.</summary>
/// <remarks>
/// A failure of the stream (an unreadable message, a broken connection, cancellation) is thrown with
/// the same exception the standard <c>IAsyncStreamReader</c> would give for it, after every point
/// before it has been handed out, so the service's handling and message numbering are the same on
/// every path.
/// </remarks>
internal interface IPointBatchReader
{
    /// <summary>Reads the next points; an empty batch means the request stream has ended.</summary>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The points, valid until the next call.</returns>
    ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Says that the handler stopped inside the last batch (it failed the call at a point of it): its last
    /// <paramref name="count"/> points were never taken, so they do not count as read, as the standard path
    /// never reads the messages after the one that failed.
    /// </summary>
    /// <param name="count">How many points at the end of the last batch were not taken.</param>
    void Unread(int count);
}
