using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.FastPath;
using RouteGuide.Core.Tests.Reliability;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// The call limits of <see cref="RouteGuideCallPolicy"/> through a real server over loopback HTTP/2, on
/// both of RecordRoute's server read paths (<see cref="WirePath"/>): the same status, log and meter on
/// each, and proof of which path served the call. The server's clock is the harness's fake one, so
/// the time limits pass when the test moves it. <see cref="CallLimitTests"/> covers the rules in detail
/// over fakes.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class CallLimitHostTests(WirePath path)
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(60);
    private static readonly string PolicyCategory = typeof(RouteGuideCallPolicy).FullName!;

    [Test]
    public async Task A_route_that_goes_quiet_ends_at_the_idle_timeout_with_DeadlineExceeded_logged_as_information()
    {
        await using var server = await LimitedHost.StartAsync(path, RouteGuideServiceOptions.Default);
        var host = server.Host;
        using var call = host.Client.RecordRoute(deadline: DateTime.UtcNow.Add(SafetyTimeout));
        await call.RequestStream.WriteAsync(Routes.ToPoint(Catalog.Features[0].Location));
        await call.RequestStream.WriteAsync(Routes.ToPoint(Catalog.Features[1].Location));
        await host.Eventually(() => server.Recorders.PointsRecorded == 2, "the server has recorded both points");

        // Checked every 15 s of the server's clock: moved one check at a time, at most 10 minutes.
        for (var check = 0; check < 40 && host.ActiveCalls > 0; check++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(20);
        }

        (await EndOf(call)).Should().Be(new Status(StatusCode.DeadlineExceeded, "RecordRoute sent no message for 60 s, the server's idle timeout; the call was ended."));
        PolicyLog(host).Should().Equal((LogLevel.Information, "RecordRoute ended by the server: no message for 60 s, its idle timeout (DeadlineExceeded)."));
        await server.ExpectRoutesAsync(rejected: (StatusCode.DeadlineExceeded, 2));
    }

    [Test]
    public async Task A_route_sending_a_point_every_50_seconds_is_not_idle_but_ends_at_its_duration_limit()
    {
        await using var server = await LimitedHost.StartAsync(path, RouteGuideServiceOptions.Default with { MaxRouteDuration = TimeSpan.FromMinutes(10) });
        var host = server.Host;
        using var call = host.Client.RecordRoute(deadline: DateTime.UtcNow.Add(SafetyTimeout));

        // Twelve points 50 s apart: 600 s, the duration limit, never a gap as long as the 60 s idle
        // timeout, so the idle timer must see each point the read path took.
        for (var i = 1; i <= 12; i++)
        {
            await call.RequestStream.WriteAsync(Routes.ToPoint(Catalog.Features[i].Location));
            await host.Eventually(() => server.Recorders.PointsRecorded == i, $"the server has recorded {i} points");
            host.Time.Advance(TimeSpan.FromSeconds(50));
            if (i < 12)
            {
                call.ResponseAsync.IsCompleted.Should().BeFalse($"after {i * 50} s and {i} points the route is within its limits");
            }
        }

        (await EndOf(call)).Should().Be(new Status(StatusCode.ResourceExhausted, "RecordRoute was still streaming after 600 s, the server's limit on one call; send the rest in another call."));
        PolicyLog(host).Should().Equal((LogLevel.Information, "RecordRoute ended by the server: still streaming after 600 s, its duration limit (ResourceExhausted)."));
        await server.ExpectRoutesAsync(rejected: (StatusCode.ResourceExhausted, 12));
    }

    [Test]
    public async Task A_route_streaming_at_full_speed_ends_at_its_duration_limit_with_every_point_it_read_counted_once()
    {
        await using var server = await LimitedHost.StartAsync(path, RouteGuideServiceOptions.Default with { MaxRouteDuration = TimeSpan.FromMinutes(10) });
        var host = server.Host;
        var route = host.Client.RecordRouteAsync(Endless(), deadline: DateTime.UtcNow.Add(SafetyTimeout));
        await host.Eventually(() => server.Recorders.PointsRecorded > 10_000, "the server is recording the route");

        // The duration limit is checked every 15 s (a quarter of the 60 s idle timeout): at most 41 checks. The
        // clock moves only once the server has recorded more than a whole batch (4,096 points at most) since
        // the last step, so it has read again, and a stall of the machine (GC, thread-pool growth) can never
        // look like an idle client (bounded: 41 steps, 20 s each at most).
        var recorded = server.Recorders.PointsRecorded;
        for (var check = 0; check < 41 && !route.IsCompleted; check++)
        {
            var before = recorded;
            await host.Eventually(() => route.IsCompleted || server.Recorders.PointsRecorded > before + 4_096, "the server read more of the route");
            recorded = server.Recorders.PointsRecorded;
            host.Time.Advance(TimeSpan.FromSeconds(15));
        }

        (await FluentActions.Awaiting(() => route.WaitAsync(SafetyTimeout)).Should().ThrowAsync<RpcException>()).Which.Status
            .Should().Be(new Status(StatusCode.ResourceExhausted, "RecordRoute was still streaming after 600 s, the server's limit on one call; send the rest in another call."));
        PolicyLog(host).Should().Equal((LogLevel.Information, "RecordRoute ended by the server: still streaming after 600 s, its duration limit (ResourceExhausted)."));
        await server.ExpectRoutesAsync(rejected: (StatusCode.ResourceExhausted, server.Recorders.PointsRecorded));

        // Points until the call ends, bounded: 50 million points would outlast the safety timeout on any path.
        static IEnumerable<Point> Endless()
        {
            for (var i = 0; i < 50_000_000; i++)
            {
                yield return new Point { Latitude = i % 1_000, Longitude = i % 777 };
            }
        }
    }

    [Test]
    public async Task A_route_past_its_point_limit_is_refused_at_the_limit_even_when_one_read_holds_points_past_it()
    {
        await using var server = await LimitedHost.StartAsync(path, RouteGuideServiceOptions.Default with { MaxRoutePoints = 3 });
        var host = server.Host;

        // Five points in one DATA frame: on the batch path, one read holds the three allowed, the refused
        // fourth and one more.
        var refused = await PostInOneFrameAsync(host, Routes.Random(1, Catalog, 5));

        (refused.GrpcStatus, refused.GrpcMessage).Should().Be(("8", "RecordRoute accepts at most 3 messages per call; message 3 (zero-based index) was refused. Send the rest in another call."), refused.ToString());
        PolicyLog(host).Should().Equal((LogLevel.Information, "RecordRoute rejected: RecordRoute accepts at most 3 messages per call; message 3 (zero-based index) was refused. Send the rest in another call. (ResourceExhausted)"));
        server.Recorders.PointsRecorded.Should().Be(3, "the points before the refused one were recorded, each once");
        await server.ExpectRoutesAsync(rejected: (StatusCode.ResourceExhausted, 4));
    }

    [Test]
    public async Task An_out_of_range_point_before_the_limit_is_reported_as_such_even_when_one_read_holds_the_limit()
    {
        await using var server = await LimitedHost.StartAsync(path, RouteGuideServiceOptions.Default with { MaxRoutePoints = 3 });
        var host = server.Host;
        Point[] route = [Routes.ToPoint(Catalog.Features[0].Location), new Point { Latitude = 950_000_000, Longitude = 0 }, .. Routes.Random(2, Catalog, 4)];

        var refused = await PostInOneFrameAsync(host, route);

        (refused.GrpcStatus, Uri.UnescapeDataString(refused.GrpcMessage ?? "")).Should().Be(
            ("3", "Point 1 of the route (zero-based index): latitude is out of range (latitude 950000000, longitude 0; E7 latitude must be within ±900000000, longitude within ±1800000000)."),
            refused.ToString());
        await server.ExpectRoutesAsync(rejected: (StatusCode.InvalidArgument, 2));
    }

    [Test]
    public async Task A_route_of_exactly_its_point_limit_gets_its_summary_and_one_more_point_is_refused()
    {
        await using var server = await LimitedHost.StartAsync(path, RouteGuideServiceOptions.Default with { MaxRoutePoints = 1_000 });
        var host = server.Host;
        var route = Routes.Random(3, Catalog, 1_001);

        var summary = await host.Client.RecordRouteAsync(route[..1_000], deadline: DateTime.UtcNow.Add(SafetyTimeout));
        var failure = await FluentActions.Awaiting(() => host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout))).Should().ThrowAsync<RpcException>();

        var expected = Routes.RecordLocally(route[..1_000], Catalog);
        (summary.PointCount, summary.FeatureCount, summary.Distance).Should().Be((1_000, (int)expected.FeatureCount, expected.ToSummary().Distance));
        failure.Which.Status.Should().Be(new Status(StatusCode.ResourceExhausted, "RecordRoute accepts at most 1000 messages per call; message 1000 (zero-based index) was refused. Send the rest in another call."));
        await server.ExpectRoutesAsync(rejected: (StatusCode.ResourceExhausted, 1_001), completedPoints: 1_000);
    }

    private static async Task<Status> EndOf(AsyncClientStreamingCall<Point, RouteSummary> call) =>
        (await FluentActions.Awaiting(() => call.ResponseAsync.WaitAsync(SafetyTimeout)).Should().ThrowAsync<RpcException>()).Which.Status;

    /// <summary>The server's log records from the call policy, as level and message.</summary>
    private static IEnumerable<(LogLevel, string)> PolicyLog(RouteGuideTestHost host) =>
        host.Logs.GetSnapshot().Where(r => r.Category == PolicyCategory).Select(r => (r.Level, r.Message));

    /// <summary>POSTs the route's messages in one write, so that they reach the server in one HTTP/2 DATA frame.</summary>
    private static async Task<RawResponse> PostInOneFrameAsync(RouteGuideTestHost host, IEnumerable<Point> route)
    {
        var body = route.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).ToArray();
        body.Length.Should().BeLessThan(16_384, "the body fits in one DATA frame of Kestrel's default size");
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);
        return await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, body, "application/grpc", safety.Token);
    }

    /// <summary>A loopback host on the fixture's path, with the given call limits, its recorders observed and its route meter collected.</summary>
    private sealed class LimitedHost : IAsyncDisposable
    {
        private MetricCollector<long> _routes = null!;
        private MetricCollector<long> _points = null!;
        private MetricCollector<long> _rejected = null!;

        public RouteGuideTestHost Host { get; private init; } = null!;

        public ObservedRecorders Recorders { get; private init; } = null!;

        public static async Task<LimitedHost> StartAsync(WirePath path, RouteGuideServiceOptions options)
        {
            ObservedRecorders? recorders = null;
            var host = await RouteGuideTestHost.StartAsync(
                HostFlavour.Loopback,
                Catalog,
                serviceOptions: options,
                configureServices: services => services.AddSingleton<IRouteRecorderFactory>(provider => recorders = ObservedRecorders.ForHost(provider)),
                wirePath: path);
            var meters = host.MeterFactory();
            return new LimitedHost
            {
                Host = host,
                Recorders = recorders!,
                _routes = new(meters, RouteGuideCallPolicy.MeterName, "routeguide.server.routes"),
                _points = new(meters, RouteGuideCallPolicy.MeterName, "routeguide.server.route.points"),
                _rejected = new(meters, RouteGuideCallPolicy.MeterName, "routeguide.server.route.rejected_points"),
            };
        }

        /// <summary>
        /// Once every call has ended: one failed route, with <paramref name="rejected"/>'s status and points
        /// (every point read, the refused one included), and <paramref name="completedPoints"/> points in one
        /// completed route if given; and every route was read on the host's path (the batch reader's count
        /// proves it, so the batch path cannot fall back to the standard one unnoticed).
        /// </summary>
        public async Task ExpectRoutesAsync((StatusCode Code, long Points) rejected, long? completedPoints = null)
        {
            await Host.WaitForNoActiveCallsAsync();
            var routes = new Dictionary<int, long> { [(int)rejected.Code] = 1 };
            if (completedPoints is not null)
            {
                routes[0] = 1;
            }

            ByStatus(_routes).Should().BeEquivalentTo(routes);
            ByStatus(_rejected).Should().BeEquivalentTo(new Dictionary<int, long> { [(int)rejected.Code] = rejected.Points });
            _points.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(completedPoints ?? 0);
            Host.BatchedCalls.Should().Be(Host.WirePath == WirePath.Fast ? routes.Count : 0, "the routes ran on the {0} read path", Host.WirePath);
        }

        public async ValueTask DisposeAsync()
        {
            _routes.Dispose();
            _points.Dispose();
            _rejected.Dispose();
            await Host.DisposeAsync();
            Recorders.Dispose();
        }

        private static Dictionary<int, long> ByStatus(MetricCollector<long> collector) =>
            collector.GetMeasurementSnapshot().GroupBy(m => (int)m.Tags[CallMetrics.StatusTag]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
    }
}
