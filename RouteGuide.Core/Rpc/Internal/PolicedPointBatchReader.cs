using System.Runtime.CompilerServices;
using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// A batch reader under <see cref="RouteGuideCallPolicy"/>, as <see cref="PolicedRequestStream{T}"/> is
/// for the host's reader: the policy's read rules apply (shutdown, idle and duration limits), points read are counted as messages
/// read, and a read's failure is remembered, so the policy decides a call's ending the same on every path.
/// </summary>
internal sealed class PolicedPointBatchReader(IPointBatchReader inner, PolicedCall call) : IPointBatchReader
{
    /// <summary>
    /// The host's own request stream under the policy's wrapper, if <paramref name="requestStream"/> is
    /// one (with <paramref name="call"/>, the policy's view of the call); otherwise the stream itself.
    /// </summary>
    public static IAsyncStreamReader<Point> Unwrap(IAsyncStreamReader<Point> requestStream, out PolicedCall? call)
    {
        if (requestStream is PolicedRequestStream<Point> policed)
        {
            call = policed.Call;
            return policed.Inner;
        }

        call = null;
        return requestStream;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<WirePoint> batch;
        try
        {
            batch = await call.ReadBatchAsync(inner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            call.ReadFailure = e;
            throw;
        }

        call.Received(batch.Length);
        return batch;
    }
}
