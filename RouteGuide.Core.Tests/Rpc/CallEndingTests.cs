using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// How the service names the end of a call that did not finish (cancelled, past its deadline, or a request
/// stream that broke), driven directly with a call context and a request stream of our own, no host: the
/// order of events is the test's, not the network's.
/// </summary>
public class CallEndingTests
{
    private static readonly RouteGuideService Service = new(FeatureCatalog.Default, new RouteRecorderFactory(FeatureCatalog.Default));

    [Test]
    public async Task A_cancel_long_before_a_short_deadline_is_Cancelled()
    {
        // 800 ms from the start: within a second of it, but the cancel comes at once, far more than a fifth
        // of the timeout (160 ms) before it. Only a cancel that late counts as the deadline.
        using var cancellation = new CancellationTokenSource();
        var context = new FakeCallContext(DateTime.UtcNow.AddMilliseconds(800), cancellation.Token);
        var stream = CancelledAtOnce(cancellation);

        var status = await EndOf(Service.RecordRoute(stream, context));

        status.StatusCode.Should().Be(StatusCode.Cancelled);
    }

    [Test]
    public async Task A_cancel_once_the_deadline_has_passed_is_DeadlineExceeded()
    {
        using var cancellation = new CancellationTokenSource();
        var deadline = DateTime.UtcNow.AddMilliseconds(300);
        var context = new FakeCallContext(deadline, cancellation.Token);
        var stream = new FakeRequestStream(async token =>
        {
            while (DateTime.UtcNow <= deadline)
            {
                await Task.Delay(20, CancellationToken.None);
            }

            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
            return false;
        });

        var status = await EndOf(Service.RecordRoute(stream, context));

        status.StatusCode.Should().Be(StatusCode.DeadlineExceeded);
    }

    [Test]
    public async Task A_cancel_of_a_call_without_a_deadline_is_Cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var context = new FakeCallContext(DateTime.MaxValue, cancellation.Token);
        var stream = CancelledAtOnce(cancellation);

        var status = await EndOf(Service.RecordRoute(stream, context));

        status.StatusCode.Should().Be(StatusCode.Cancelled);
    }

    [Test]
    public async Task A_broken_request_stream_followed_by_the_hosts_cancel_is_Cancelled()
    {
        // Kestrel fails the read on the client's reset a moment before it cancels the call's token.
        using var cancellation = new CancellationTokenSource();
        var context = new FakeCallContext(DateTime.MaxValue, cancellation.Token);
        var stream = new FakeRequestStream(_ =>
        {
            cancellation.CancelAfter(50);
            throw new IOException("The client reset the request stream.");
        });

        var status = await EndOf(Service.RecordRoute(stream, context));

        status.StatusCode.Should().Be(StatusCode.Cancelled);
    }

    [Test]
    public async Task A_broken_request_stream_that_no_cancel_follows_is_an_unreadable_request()
    {
        // How Grpc.AspNetCore reports a length prefix over 2 GiB: the call goes on, the stream cannot be read.
        using var cancellation = new CancellationTokenSource();
        var context = new FakeCallContext(DateTime.MaxValue, cancellation.Token);
        var stream = new FakeRequestStream(_ => throw new IOException("Message too large: 4294967295"));

        var status = await EndOf(Service.RecordRoute(stream, context));

        status.Should().Be(new Status(StatusCode.Internal, "Message 0 of the request stream could not be read."));
    }

    /// <summary>A request stream whose first read finds the call cancelled, as a client's cancel does.</summary>
    private static FakeRequestStream CancelledAtOnce(CancellationTokenSource cancellation) => new(async token =>
    {
        await cancellation.CancelAsync();
        token.ThrowIfCancellationRequested();
        return false;
    });

    private static async Task<Status> EndOf(Task<RouteSummary> call)
    {
        var error = (await FluentActions.Awaiting(() => call.WaitAsync(TimeSpan.FromSeconds(20))).Should().ThrowAsync<RpcException>()).Which;
        return error.Status;
    }

    private sealed class FakeRequestStream(Func<CancellationToken, Task<bool>> moveNext) : IAsyncStreamReader<Point>
    {
        public Point Current => throw new InvalidOperationException("No point was read.");

        public Task<bool> MoveNext(CancellationToken cancellationToken) => moveNext(cancellationToken);
    }

    private sealed class FakeCallContext(DateTime deadline, CancellationToken cancellationToken) : ServerCallContext
    {
        protected override string MethodCore => "/routeguide.RouteGuide/RecordRoute";

        protected override string HostCore => "127.0.0.1";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => deadline;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => cancellationToken;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
