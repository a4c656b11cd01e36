using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>Turns the batch read path off: every RecordRoute call reads one message at a time (for A/B runs and tests).</summary>
internal sealed class NoPointBatchReaders : IPointBatchReaderFactory
{
    public static NoPointBatchReaders Instance { get; } = new();

    public IPointBatchReader? TryCreate(IAsyncStreamReader<Point> requestStream, ServerCallContext context) => null;
}
