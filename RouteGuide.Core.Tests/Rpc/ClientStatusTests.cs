using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// How the client adapter reports what Grpc.Net.Client hands it, driven through a call invoker of
/// our own so that each case happens every time (over a real connection, a server's orderly close
/// while a call streams depends on timing: see <c>ShutdownTests</c>).
/// </summary>
public class ClientStatusTests
{
    [Test]
    public async Task An_Internal_status_comes_through_unchanged_whatever_its_cause()
    {
        // A protocol error (here PROTOCOL_ERROR, 0x1), and an Internal status with no cause at all, as a
        // server sends it in its trailers: the client reports what Grpc.Net.Client reports, never a status
        // derived from Status.DebugException.
        var protocolError = new HttpRequestException(
            HttpRequestError.HttpProtocolError,
            "The HTTP/2 server reset the stream. HTTP/2 error code 'PROTOCOL_ERROR' (0x1).",
            new HttpProtocolException(1, "The HTTP/2 server reset the stream. HTTP/2 error code 'PROTOCOL_ERROR' (0x1).", null));
        RpcException[] failures =
        [
            new(new Status(StatusCode.Internal, "Error starting gRPC call.", protocolError)),
            new(new Status(StatusCode.Internal, "RecordRoute failed on the server.")),
        ];

        foreach (var failure in failures)
        {
            var client = new RouteGuideClient(new FailingInvoker(failure));

            var call = () => client.RecordRouteAsync(Points(10));

            (await call.Should().ThrowAsync<RpcException>()).Which.Should().BeSameAs(failure);
        }
    }

    private static IEnumerable<Point> Points(int count) => Enumerable.Range(0, count).Select(i => new Point { Latitude = i, Longitude = i });

    /// <summary>Client-streaming calls whose response fails at once, as a call the transport lost does.</summary>
    private sealed class FailingInvoker(RpcException failure) : CallInvoker
    {
        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            new(
                new AcceptingWriter<TRequest>(),
                Task.FromException<TResponse>(failure),
                Task.FromResult(new Metadata()),
                () => failure.Status,
                () => failure.Trailers,
                () => { });

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }

    private sealed class AcceptingWriter<T> : IClientStreamWriter<T>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(T message) => Task.CompletedTask;

        public Task CompleteAsync() => Task.CompletedTask;
    }
}
