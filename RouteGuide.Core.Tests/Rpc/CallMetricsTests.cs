using Grpc.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// The <c>RouteGuide.Core</c> meter, read with <see cref="MetricCollector{T}"/> from the host's own
/// meter factory: each test host's instruments are its own, so tests running side by side do not mix.
/// Each runs on both of RecordRoute's server read paths (<see cref="WirePath"/>), and checks which one
/// served its routes, so that the batch path cannot fall back unnoticed.
/// </summary>
[TestFixture(HostFlavour.InMemory, WirePath.Fast)]
[TestFixture(HostFlavour.InMemory, WirePath.Standard)]
[TestFixture(HostFlavour.Loopback, WirePath.Fast)]
[TestFixture(HostFlavour.Loopback, WirePath.Standard)]
public class CallMetricsTests(HostFlavour flavour, WirePath path)
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [Test]
    public async Task Completed_and_failed_routes_are_counted_by_status_and_every_point_once()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);
        using var routes = Collect<long>(host, "routeguide.server.routes");
        using var points = Collect<long>(host, "routeguide.server.route.points");
        using var rejected = Collect<long>(host, "routeguide.server.route.rejected_points");
        using var features = Collect<long>(host, "routeguide.server.route.features");
        using var distance = Collect<double>(host, "routeguide.server.route.distance");
        using var duration = Collect<double>(host, "routeguide.server.route.duration");
        var first = Routes.Random(1, Catalog, 40);
        var second = Routes.Random(2, Catalog, 60);
        // Points after the bad one, sent with it (in one batch on the batch path), are never read.
        Point[] invalid = [.. Routes.Random(3, Catalog, 9), new Point { Latitude = 950_000_000, Longitude = 0 }, .. Routes.Random(4, Catalog, 20)];

        var summaries = new[] { await host.Client.RecordRouteAsync(first), await host.Client.RecordRouteAsync(second) };
        var failure = await FluentActions.Awaiting(() => host.Client.RecordRouteAsync(invalid)).Should().ThrowAsync<RpcException>();
        failure.Which.StatusCode.Should().Be(StatusCode.InvalidArgument);
        await host.WaitForNoActiveCallsAsync();

        ByStatus(routes).Should().BeEquivalentTo(new Dictionary<int, long> { [0] = 2, [(int)StatusCode.InvalidArgument] = 1 });
        points.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(100);
        ByStatus(rejected).Should().BeEquivalentTo(new Dictionary<int, long> { [(int)StatusCode.InvalidArgument] = 10 }, "the nine points before the bad one and the bad one");
        features.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(summaries.Sum(s => (long)s.FeatureCount));
        distance.GetMeasurementSnapshot().Select(m => m.Value).Should().Equal(summaries.Select(s => (double)s.Distance));
        duration.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => m.Value >= 0);
        (points.Instrument?.Unit, distance.Instrument?.Unit, duration.Instrument?.Unit).Should().Be(("{point}", "m", "s"));
        host.BatchedCalls.Should().Be(path == WirePath.Fast ? 3 : 0, "the routes ran on the {0} read path", path);
    }

    [Test]
    public async Task Active_calls_are_counted_by_method_while_they_run_and_released_on_every_ending()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);
        using var active = Collect<long>(host, "routeguide.server.active_calls");
        using var call = host.Client.RecordRoute();
        await call.RequestStream.WriteAsync(Routes.ToPoint(Catalog.Features[0].Location));

        await host.Eventually(() => active.GetMeasurementSnapshot().Sum(m => m.Value) == 1, "the route is active on the server");
        active.LastMeasurement!.Tags.Should().Contain(CallMetrics.MethodTag, "RecordRoute");
        await host.Client.GetFeatureAsync(new Point { Latitude = 1, Longitude = 1 });
        await call.RequestStream.CompleteAsync();
        (await call.ResponseAsync).PointCount.Should().Be(1);
        await host.WaitForNoActiveCallsAsync();
        host.BatchedCalls.Should().Be(path == WirePath.Fast ? 1 : 0, "the route ran on the {0} read path", path);

        active.GetMeasurementSnapshot()
            .GroupBy(m => (string)m.Tags[CallMetrics.MethodTag]!)
            .ToDictionary(g => g.Key, g => (Started: g.Count(m => m.Value == 1), Running: g.Sum(m => m.Value)))
            .Should().BeEquivalentTo(new Dictionary<string, (int, long)> { ["RecordRoute"] = (1, 0), ["GetFeature"] = (1, 0) });
    }

    private static MetricCollector<T> Collect<T>(RouteGuideTestHost host, string instrument)
        where T : struct => new(host.MeterFactory(), RouteGuideCallPolicy.MeterName, instrument);

    private static Dictionary<int, long> ByStatus(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot().GroupBy(m => (int)m.Tags[CallMetrics.StatusTag]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
}
