using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// A call's request stream as the handler sees it: reads are counted against the call's message
/// limit, and a read's failure is remembered.
/// </summary>
internal sealed class PolicedRequestStream<T>(IAsyncStreamReader<T> inner, PolicedCall call) : IAsyncStreamReader<T>
{
    /// <summary>The host's request stream.</summary>
    public IAsyncStreamReader<T> Inner => inner;

    /// <summary>The policy's view of the call.</summary>
    public PolicedCall Call => call;

    public T Current => inner.Current;

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
