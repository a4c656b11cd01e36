using System.Runtime.CompilerServices;
using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// A batch reader under <see cref="RouteGuideCallPolicy"/>, as <see cref="PolicedRequestStream{T}"/> is
/// for the host's reader: the policy's read rules apply (shutdown, idle and duration limits), points read are counted as messages
/// read, and a read's failure is remembered, so the policy decides a call's ending the same on every path.
/// </summary>
/// <remarks>
/// The message limit holds per message, not per batch: when a batch holds the message at the limit
/// (zero-based index <c>MaxRoutePoints</c>), the handler gets the points before it, which it validates
/// and records as on the standard path, and the next read refuses that message. So the status, the
/// message named and the count of points read (for the meter) are the same on every path.
/// </remarks>
internal sealed class PolicedPointBatchReader(IPointBatchReader inner, PolicedCall call) : IPointBatchReader
{
    private bool _limitInLastBatch;

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
        if (_limitInLastBatch)
        {
            // The last batch held the message at the call's limit: the points before it have been handed
            // out, and now it is refused (ResourceExhausted), as the standard path refuses it on its read.
            call.Received(1);
        }

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

        var left = call.MessagesLeft;
        if (batch.Length > left)
        {
            if (left == 0)
            {
                // This batch's first point is the message at the limit: refused at once (ResourceExhausted).
                call.Received(1);
            }

            _limitInLastBatch = true;
            batch = batch[..(int)left];
        }

        call.Received(batch.Length);
        return batch;
    }

    /// <inheritdoc />
    public void Unread(int count) => call.Unread(count);
}
