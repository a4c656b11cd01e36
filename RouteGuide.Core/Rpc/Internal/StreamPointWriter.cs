using System.Runtime.CompilerServices;
using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>The standard path: each point is one <c>WriteAsync</c> on Grpc.Net.Client's request stream.</summary>
/// <remarks>
/// The writes take no token of their own: a token passed to <c>WriteAsync</c> is registered with the
/// call on every message (measurable at a million points a second), while the call already observes
/// the caller's token and deadline from its <see cref="CallOptions"/>, and disposing the call ends any
/// pending write. The methods' state machines are pooled, so a write that has to wait (every write on
/// a channel that flushes each message) allocates nothing in the steady state.
/// </remarks>
internal sealed class StreamPointWriter(IClientStreamWriter<Point> requestStream) : IPointWriter
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(Point point)
    {
        try
        {
            await requestStream.WriteAsync(point, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new RequestStreamWriteException(e);
        }
    }

    public ValueTask FlushAsync() => ValueTask.CompletedTask;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask CompleteAsync()
    {
        try
        {
            await requestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new RequestStreamWriteException(e);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
