using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// Gives a RecordRoute call a faster way to read its points than one message at a time, when the host
/// allows it (registered by the ASP.NET Core hosting package).
/// </summary>
internal interface IPointBatchReaderFactory
{
    /// <summary>A batch reader for this call, or <see langword="null"/> when the standard reader must be used.</summary>
    /// <param name="requestStream">The request stream the host gave the handler.</param>
    /// <param name="context">The call.</param>
    IPointBatchReader? TryCreate(IAsyncStreamReader<Point> requestStream, ServerCallContext context);
}
