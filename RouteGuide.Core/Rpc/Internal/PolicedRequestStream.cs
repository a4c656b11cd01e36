using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// A call's request stream as the handler sees it: reads are counted against the call's message
/// limit, and a read's failure is remembered.
/// </summary>
internal sealed class PolicedRequestStream<T>(IAsyncStreamReader<T> inner, PolicedCall call) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    /// <summary>The call this stream belongs to: a batch read loop reads with its token and reports what it read.</summary>
    public PolicedCall Call => call;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        bool more;
        try
        {
            more = await call.MoveNext(inner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            call.ReadFailure = e;
            throw;
        }

        if (more)
        {
            call.Received(1);
        }

        return more;
    }
}
