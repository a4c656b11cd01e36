using System.Runtime.CompilerServices;
using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>The standard path: points one message at a time from the host's <see cref="IAsyncStreamReader{T}"/>.</summary>
internal sealed class StreamPointBatchReader(IAsyncStreamReader<Point> requestStream) : IPointBatchReader
{
    private readonly WirePoint[] _batch = new WirePoint[1];

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(CancellationToken cancellationToken)
    {
        if (!await requestStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return ReadOnlyMemory<WirePoint>.Empty;
        }

        var point = requestStream.Current;
        _batch[0] = new WirePoint(point.Latitude, point.Longitude);
        return _batch;
    }

    /// <inheritdoc />
    /// <remarks>A batch of one point is always taken whole: nothing to give back.</remarks>
    public void Unread(int count)
    {
    }
}
