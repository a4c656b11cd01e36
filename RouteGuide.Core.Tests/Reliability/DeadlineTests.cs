using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// A deadline shorter than the stream ends the call with DeadlineExceeded for the client, over real
/// HTTP/2, and the server records that the call ended early, without an error.
/// </summary>
/// <remarks>
/// Which of the two ends the call on the server is a race the server does not guess at: the client's
/// deadline timer (which resets the stream) or the server's own (which writes DeadlineExceeded). The
/// server's log says DeadlineExceeded when its own deadline had passed, Cancelled otherwise.
/// </remarks>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class DeadlineTests(WirePath path)
{
    private static readonly string[] ServerEndings =
    [
        "RecordRoute ended early by the client or its deadline (DeadlineExceeded).",
        "RecordRoute ended early by the client or its deadline (Cancelled).",
    ];

    [Test]
    [Repeat(3)]
    public async Task A_stalled_stream_past_its_deadline_ends_with_DeadlineExceeded_and_no_server_error()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);
        using var stop = new CancellationTokenSource();
        var stalled = Routes.WithHook(Points(1_000), async (index, _) =>
        {
            if (index == 9)
            {
                // A source that ignores the call's cancellation: the deadline alone must end the call.
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
        });

        var call = () => host.Client.RecordRouteAsync(stalled, deadline: DateTime.UtcNow.AddSeconds(1));

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.DeadlineExceeded);
        await stop.CancelAsync();
        await ShouldHaveEndedEarlyOnTheServer(host);
    }

    [Test]
    [Repeat(3)]
    public async Task A_stream_still_sending_at_full_speed_past_its_deadline_ends_with_DeadlineExceeded_and_no_server_error()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);

        // Bounded: far more points than can be sent before the deadline.
        var call = () => host.Client.RecordRouteAsync(Points(50_000_000), deadline: DateTime.UtcNow.AddSeconds(1));

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.DeadlineExceeded);
        await ShouldHaveEndedEarlyOnTheServer(host);
    }

    private static async Task ShouldHaveEndedEarlyOnTheServer(RouteGuideTestHost host)
    {
        await host.WaitForNoActiveCallsAsync();
        // What the policy logged, in the test's output: the line a failure below is about.
        foreach (var record in host.Logs.GetSnapshot().Where(r => r.Category == typeof(RouteGuideCallPolicy).FullName))
        {
            TestContext.Out.WriteLine($"Server log: {record.Level} {record.Message}");
        }

        await host.Eventually(() => host.Logs.GetSnapshot().Any(r => r.Message.StartsWith("RecordRoute ended early", StringComparison.Ordinal)), "the server logged how the call ended");
        host.Logs.GetSnapshot().Where(r => r.Message.StartsWith("RecordRoute ended early", StringComparison.Ordinal)).Select(r => r.Message)
            .Should().ContainSingle().Which.Should().BeOneOf(ServerEndings);
        host.Logs.GetSnapshot().Should().NotContain(r => r.Message.StartsWith("RecordRoute completed", StringComparison.Ordinal));
        host.Errors.Should().BeEmpty();

        // The server still serves: asked on a new connection, because HTTP/2 lets a server refuse new streams on
        // the connection that carried the cut-off stream (REFUSED_STREAM or GOAWAY), which RecordRouteAsync
        // reports as Unavailable rather than replaying points it has already sent (docs/rpc.md).
        using var channel = host.CreateChannel();
        (await new Protocol.RouteGuide.RouteGuideClient(channel).RecordRouteAsync(Points(5))).PointCount.Should().Be(5, "the server still serves");
    }

    private static IEnumerable<Point> Points(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new Point { Latitude = i % 1000, Longitude = i % 2000 };
        }
    }
}
