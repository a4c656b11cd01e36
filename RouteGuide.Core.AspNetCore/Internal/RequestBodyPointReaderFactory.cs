using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.AspNetCore.Internal;

/// <summary>
/// Gives a RecordRoute call the batch read path (<see cref="RequestBodyPointReader"/>) when it is safe,
/// and the standard reader (by returning <see langword="null"/>) otherwise.
/// </summary>
/// <remarks>
/// The batch path runs only when all of these hold: <see cref="RouteGuideServerOptions.BatchReads"/> is on; the handler was given Grpc.AspNetCore's own request
/// reader, untouched but for <see cref="RouteGuideCallPolicy"/>'s wrapper, whose rules the batch reader
/// keeps (any other interceptor that wraps the request stream, for instance to see each message, gets
/// the standard path, so it still sees every message); the call's <c>HttpContext</c> is
/// available; and the request has no <c>grpc-encoding</c> header or says <c>identity</c> (a compressed
/// request is decompressed by Grpc.AspNetCore's reader). Headers, trailers, statuses, deadlines and
/// cancellation stay Grpc.AspNetCore's on either path.
/// </remarks>
internal sealed class RequestBodyPointReaderFactory(
    IOptions<GrpcServiceOptions> globalOptions,
    IOptions<GrpcServiceOptions<RouteGuideService>> serviceOptions,
    IOptions<RouteGuideServerOptions> serverOptions) : IPointBatchReaderFactory
{
    private const string HostReaderTypeName = "Grpc.AspNetCore.Server.Internal.HttpContextStreamReader`1";

    /// <summary>Grpc.AspNetCore's receive limit when none is configured (4 MiB).</summary>
    private const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>The limit Grpc.AspNetCore applies to this service: the service's own if set, else the global one, else its default.</summary>
    private readonly int? _maxReceiveMessageSize =
        serviceOptions.Value.MaxReceiveMessageSizeSpecified ? serviceOptions.Value.MaxReceiveMessageSize
        : globalOptions.Value.MaxReceiveMessageSizeSpecified ? globalOptions.Value.MaxReceiveMessageSize
        : DefaultMaxReceiveMessageSize;
    private readonly bool _enabled = serverOptions.Value.BatchReads;
    private long _batchedCalls;

    /// <summary>How many calls have been given the batch path (for diagnostics and tests).</summary>
    public long BatchedCalls => Interlocked.Read(ref _batchedCalls);

    public IPointBatchReader? TryCreate(IAsyncStreamReader<Point> requestStream, ServerCallContext context)
    {
        // RouteGuideCallPolicy's own wrapper is looked through: the batch reader keeps its rules.
        if (!_enabled || !IsHostReader(PolicedPointBatchReader.Unwrap(requestStream, out var policed)))
        {
            return null;
        }

        HttpContext http;
        try
        {
            http = context.GetHttpContext();
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        var encoding = http.Request.Headers["grpc-encoding"];
        var identity = encoding.Count == 1 && string.Equals(encoding[0], "identity", StringComparison.Ordinal);
        if (encoding.Count != 0 && !identity)
        {
            return null;
        }

        Interlocked.Increment(ref _batchedCalls);
        var reader = new RequestBodyPointReader(http.Request.BodyReader, _maxReceiveMessageSize, identity);
        return policed is null ? reader : new PolicedPointBatchReader(reader, policed);
    }

    private static bool IsHostReader(IAsyncStreamReader<Point> requestStream)
    {
        var type = requestStream.GetType();
        return type.IsGenericType
            && type.Assembly == typeof(GrpcServiceOptions).Assembly
            && string.Equals(type.GetGenericTypeDefinition().FullName, HostReaderTypeName, StringComparison.Ordinal);
    }
}
