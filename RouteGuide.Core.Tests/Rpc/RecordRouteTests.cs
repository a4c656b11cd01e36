using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.FastPath;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Rpc;

[TestFixture(HostFlavour.InMemory, WirePath.Fast)]
[TestFixture(HostFlavour.InMemory, WirePath.Standard)]
[TestFixture(HostFlavour.Loopback, WirePath.Fast)]
[TestFixture(HostFlavour.Loopback, WirePath.Standard)]
public class RecordRouteTests(HostFlavour flavour, WirePath path)
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(20261125)]
    public async Task The_original_clients_random_route_gets_exactly_the_local_statistics(int seed)
    {
        ObservedRecorders? recorders = null;
        await using var host = await RouteGuideTestHost.StartAsync(
            flavour,
            Catalog,
            configureServices: services => services.AddSingleton<IRouteRecorderFactory>(provider => recorders = new ObservedRecorders(
                new RouteRecorderFactory(provider.GetRequiredService<IFeatureLookup>(), provider.GetRequiredService<TimeProvider>()))),
            wirePath: path);
        var route = Routes.Random(seed, Catalog);

        // The clock moves 1.5 s while the route is streaming, once the server's recorder (which starts
        // the route's clock) has its first point: the server sees it, as it would real time.
        var summary = await host.Client.RecordRouteAsync(Routes.WithHook(route, async (index, token) =>
        {
            if (index == route.Length / 2)
            {
                await recorders!.FirstPoint.Task.WaitAsync(TimeSpan.FromSeconds(20), token);
                host.Time.Advance(TimeSpan.FromMilliseconds(1_500));
            }
        }));

        var expected = Routes.RecordLocally(route, Catalog);
        route.Length.Should().BeInRange(2, 101);
        summary.PointCount.Should().Be(route.Length);
        summary.FeatureCount.Should().Be((int)expected.FeatureCount);
        summary.Distance.Should().Be(expected.ToSummary().Distance);
        summary.ElapsedTime.Should().Be(1, "1.5 s elapsed and whole seconds are rounded down");
    }

    [Test]
    public async Task A_route_over_features_with_repeat_visits_counts_each_visit()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);
        var eiffel = Catalog.Features[0].Location;
        var bigBen = Catalog.Features[1].Location;
        var unnamed = Catalog.Features.First(f => !f.IsNamed).Location;
        Point[] route = [Routes.ToPoint(eiffel), Routes.ToPoint(bigBen), Routes.ToPoint(eiffel), new Point { Latitude = 1, Longitude = 1 }, Routes.ToPoint(unnamed)];

        var summary = await host.Client.RecordRouteAsync(route);

        summary.PointCount.Should().Be(5);
        summary.FeatureCount.Should().Be(4);
        summary.Distance.Should().Be(Routes.RecordLocally(route, Catalog).ToSummary().Distance);
        summary.Distance.Should().BeGreaterThan(2 * 340_000, "Paris to London and back is twice about 340 km");
    }

    [Test]
    public async Task The_named_only_option_reaches_the_server()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, new RouteRecorderOptions { FeatureCounting = FeatureCounting.NamedOnly }, wirePath: path);
        var unnamed = Routes.ToPoint(Catalog.Features.First(f => !f.IsNamed).Location);

        var summary = await host.Client.RecordRouteAsync([Routes.ToPoint(Catalog.Features[0].Location), unnamed, unnamed]);

        summary.FeatureCount.Should().Be(1);
    }

    [Test]
    public async Task An_empty_stream_has_no_points_and_no_distance()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);

        var summary = await host.Client.RecordRouteAsync(Array.Empty<Point>());

        summary.Should().Be(new RouteSummary());
    }

    [Test]
    public async Task A_one_point_route()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);

        var summary = await host.Client.RecordRouteAsync([Routes.ToPoint(Catalog.Features[3].Location)]);

        summary.Should().Be(new RouteSummary { PointCount = 1, FeatureCount = 1 });
    }

    [Test]
    public async Task A_distance_past_int_MaxValue_metres_reaches_the_client_saturated_not_negative()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);
        var antipodes = Enumerable.Range(0, 109).Select(i => new Point { Latitude = 0, Longitude = i % 2 == 0 ? 0 : GeoPoint.MaxLongitude });

        var summary = await host.Client.RecordRouteAsync(antipodes);

        summary.PointCount.Should().Be(109);
        summary.Distance.Should().Be(int.MaxValue, "108 half-circumferences are about 2.16e9 m");
    }

    [TestCase(0)]
    [TestCase(6)]
    [TestCase(199)]
    public async Task An_out_of_range_point_fails_the_call_with_InvalidArgument_naming_its_index(int badIndex)
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, wirePath: path);
        var route = Routes.Random(5, Catalog, count: 200);
        route[badIndex] = new Point { Latitude = 123, Longitude = -1_800_000_001 };

        var call = () => host.Client.RecordRouteAsync(route);

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().Be(
            $"Point {badIndex} of the route (zero-based index): longitude is out of range (latitude 123, longitude -1800000001; E7 latitude must be within ±900000000, longitude within ±1800000000).");
        host.Errors.Should().BeEmpty();

        var next = await host.Client.RecordRouteAsync(route.Take(badIndex));
        next.PointCount.Should().Be(badIndex, "the channel still works after a rejected call");
    }
}
