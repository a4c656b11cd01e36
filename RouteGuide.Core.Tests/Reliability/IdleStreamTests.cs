using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// Thousands of RecordRoute streams that send one point and then nothing, over real HTTP/2 on loopback:
/// the idle timeout ends every one of them, a normal client is unaffected, and the server's memory
/// comes back. The server's clock is the harness's fake one, so the 60 s timeout passes when the test
/// advances it, not in real time. It runs on both of RecordRoute's server read paths (<see cref="WirePath"/>),
/// and checks that every call ran on the fixture's path.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class IdleStreamTests(WirePath path)
{
    /// <summary>Kestrel's default limit on concurrent streams per HTTP/2 connection.</summary>
    private const int StreamsPerConnection = 100;
    private const int Connections = 20;
    private const int IdleStreams = StreamsPerConnection * Connections;

    /// <summary>The normal routes the test sends: one before, two in each of the two rounds, one after.</summary>
    private const int ExactRoutes = 6;
    private const long MemoryToleranceBytes = 8L * 1024 * 1024;

    /// <summary>Less than the batch read path's largest batch of points (4,096 points, 32 KiB), which a call that sent one point must not hold.</summary>
    private const long HeldPerIdleStreamBytes = 28 * 1024;
    private const int SettleAttempts = 20;
    private static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(500);

    [Test]
    public async Task Two_thousand_idle_streams_are_ended_by_the_idle_timeout_while_a_normal_client_gets_its_exact_summary()
    {
        var catalog = FeatureCatalog.Default;
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, catalog, wirePath: path);
        using var routes = new MetricCollector<long>(host.MeterFactory(), RouteGuideCallPolicy.MeterName, "routeguide.server.routes");
        await ExactAsync(host, catalog, seed: 0);

        // A first round warms up what a server keeps for reuse (Kestrel's buffer pool, which holds the
        // blocks 2,000 streams used, JIT, thread pool): the second round must come back to where the
        // first one left the server, or each round of idle streams would leave memory behind.
        await IdleRoundAsync(host, catalog);
        var before = host.SettledMemory();
        var held = await IdleRoundAsync(host, catalog);
        // What the server releases is not all released at once (Kestrel's memory pool returns idle blocks on a
        // timer, finalizers run later): memory must come back within a bounded wait, not at one instant.
        var after = host.SettledMemory();
        for (var attempt = 0; attempt < SettleAttempts && after >= before + MemoryToleranceBytes; attempt++)
        {
            await Task.Delay(SettleInterval);
            after = host.SettledMemory();
        }


        TestContext.Out.WriteLine($"{path} read path. Managed memory (client and server): after a first round {before:N0} B, with {IdleStreams} idle streams {held:N0} B ({held - before:+#,0;-#,0;0} B), after the second round {after:N0} B ({after - before:+#,0;-#,0;0} B).");
        routes.GetMeasurementSnapshot().Where(m => m.Tags[CallMetrics.StatusTag] is (int)StatusCode.DeadlineExceeded).Sum(m => m.Value).Should().Be(2 * IdleStreams);
        after.Should().BeLessThan(before + MemoryToleranceBytes, "ended idle streams leave nothing behind");
        ((held - before) / IdleStreams).Should().BeLessThan(HeldPerIdleStreamBytes, "an idle stream (client and server together) holds less than one full batch of points on either read path");
        await ExactAsync(host, catalog, seed: 3);
        host.BatchedCalls.Should().Be(path == WirePath.Fast ? (2 * IdleStreams) + ExactRoutes : 0, "every call ran on the {0} read path", path);
    }

    /// <summary>
    /// Opens <see cref="IdleStreams"/> streams that send one point each, checks a normal route while they
    /// are held, ends them by moving the server's clock, and checks how each ended.
    /// </summary>
    /// <returns>The settled managed memory while the idle streams were held.</returns>
    private static async Task<long> IdleRoundAsync(RouteGuideTestHost host, FeatureCatalog catalog)
    {
        var channels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(host.Address)).ToArray();
        var idle = new List<AsyncClientStreamingCall<Point, RouteSummary>>(IdleStreams);
        try
        {
            foreach (var channel in channels)
            {
                var client = channel.CreateRouteGuideClient();
                for (var i = 0; i < StreamsPerConnection; i++)
                {
                    var call = client.RecordRoute();
                    idle.Add(call);
                    await call.RequestStream.WriteAsync(new Point { Latitude = 1, Longitude = i });
                }
            }

            await host.Eventually(() => host.ActiveCalls == IdleStreams, $"all {IdleStreams} idle streams are open on the server");
            await ExactAsync(host, catalog, seed: 1);
            var held = host.SettledMemory();

            // The idle timeout (60 s by default) is checked every 15 s: the server's fake clock moves one
            // check at a time until every idle call has ended, at most 40 checks (10 minutes of its time).
            for (var check = 0; check < 40 && host.ActiveCalls > 0; check++)
            {
                host.Time.Advance(TimeSpan.FromSeconds(15));
                await Task.Delay(100);
            }

            await host.WaitForNoActiveCallsAsync();
            var statuses = await Task.WhenAll(idle.Select(async call =>
                (await FluentActions.Awaiting(() => call.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(60))).Should().ThrowAsync<RpcException>()).Which.Status));

            statuses.Should().AllBeEquivalentTo(new Status(StatusCode.DeadlineExceeded, "RecordRoute sent no message for 60 s, the server's idle timeout; the call was ended."));
            host.Logs.GetSnapshot().Count(r => r.Message.StartsWith("RecordRoute ended by the server: no message for 60 s", StringComparison.Ordinal)).Should().Be(IdleStreams);
            host.Errors.Should().BeEmpty();
            await ExactAsync(host, catalog, seed: 2);
            return held;
        }
        finally
        {
            foreach (var call in idle)
            {
                call.Dispose();
            }

            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    private static async Task ExactAsync(RouteGuideTestHost host, FeatureCatalog catalog, int seed)
    {
        var route = Routes.Random(seed, catalog, 1_000);
        var summary = await host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.AddMinutes(1));
        var expected = Routes.RecordLocally(route, catalog);
        summary.PointCount.Should().Be(route.Length);
        summary.FeatureCount.Should().Be((int)expected.FeatureCount);
        summary.Distance.Should().Be(expected.ToSummary().Distance);
    }
}
