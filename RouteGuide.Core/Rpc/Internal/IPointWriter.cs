namespace RouteGuide.Core.Rpc.Internal;

/// <summary>Writes the points of a RecordRoute call, whichever way they travel.</summary>
/// <remarks>
/// A failure of the request stream is thrown as a <see cref="RequestStreamWriteException"/> wrapping
/// what the stream reported, so it is never mistaken for the point source's own exceptions.
/// </remarks>
internal interface IPointWriter : IAsyncDisposable
{
    /// <summary>Writes one point (it may wait in a buffer until <see cref="FlushAsync"/> or <see cref="CompleteAsync"/>).</summary>
    ValueTask WriteAsync(Protocol.Point point);

    /// <summary>Sends what has been written so far: the point source is about to wait.</summary>
    ValueTask FlushAsync();

    /// <summary>Sends what is left and half-closes the request stream.</summary>
    ValueTask CompleteAsync();
}
