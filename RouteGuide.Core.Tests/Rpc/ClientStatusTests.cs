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
    public async Task A_call_cut_off_by_the_servers_orderly_connection_close_is_Unavailable_not_Internal()
    {
        // What Grpc.Net.Client reports when the server sends GOAWAY (NO_ERROR) and closes the connection
        // while the call is still streaming: Internal, with the HTTP/2 protocol error as its cause.
        var cause = new HttpRequestException(
            HttpRequestError.HttpProtocolError,
            "The HTTP/2 server closed the connection. HTTP/2 error code 'NO_ERROR' (0x0).",
            new HttpProtocolException(0, "The HTTP/2 server closed the connection. HTTP/2 error code 'NO_ERROR' (0x0).", null));
        var client = new RouteGuideClient(new FailingInvoker(new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.", cause))));

        var call = () => client.RecordRouteAsync(Points(1_000));

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.Unavailable);
        error.Status.Detail.Should().Be("The server closed the connection before it answered. Error starting gRPC call.");
        error.Status.DebugException.Should().BeSameAs(cause);
    }

    [Test]
    public async Task Any_other_Internal_status_comes_through_unchanged()
    {
        // A protocol error other than an orderly close (here PROTOCOL_ERROR, 0x1), and an Internal status
        // with no cause at all, as a server sends it in its trailers.
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
