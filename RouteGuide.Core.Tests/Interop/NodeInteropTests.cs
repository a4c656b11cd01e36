using System.Text.Json;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Harness;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>Our server and client against a RouteGuide peer written in another language: Node.js with @grpc/grpc-js.</summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class NodeInteropTests(WirePath path)
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;
    private string _directory = null!;

    [OneTimeSetUp]
    public Task InstallNodePeer() => NodePeer.EnsureInstalledAsync();

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("routeguide-interop-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task A_Node_client_records_a_route_on_our_server_with_exact_statistics()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var route = Routes.Random(17, Catalog, count: 500);

        var summary = await NodePeer.RunClientAsync("record", host.Address.Authority, WritePoints(route));

        var expected = Routes.RecordLocally(route, Catalog);
        summary.GetProperty("pointCount").GetInt32().Should().Be(500);
        summary.GetProperty("featureCount").GetInt32().Should().Be((int)expected.FeatureCount);
        summary.GetProperty("distance").GetInt32().Should().Be(expected.ToSummary().Distance);
    }

    [Test]
    public async Task A_Node_client_gets_InvalidArgument_naming_the_bad_point()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var route = Routes.Random(3, Catalog, count: 10);
        route[7] = new Point { Latitude = -900_000_001, Longitude = 0 };

        var result = await NodePeer.RunClientAsync("record", host.Address.Authority, WritePoints(route));

        var error = result.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be((int)StatusCode.InvalidArgument);
        error.GetProperty("details").GetString().Should().StartWith("Point 7 of the route (zero-based index): latitude is out of range (latitude -900000001");
    }

    [Test]
    public async Task A_Node_client_uses_GetFeature_ListFeatures_and_RouteChat_on_our_server()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var eiffel = Catalog.Features[0];
        var target = host.Address.Authority;

        var feature = await NodePeer.RunClientAsync("feature", target, $"{eiffel.Location.Latitude}", $"{eiffel.Location.Longitude}");
        var europe = await NodePeer.RunClientAsync("list", target, "350000000", "-100000000", "600000000", "300000000");
        var notesFile = Path.Combine(_directory, "notes.json");
        File.WriteAllText(notesFile, """[{"location":{"latitude":1,"longitude":1},"message":"first"},{"location":{"latitude":1,"longitude":1},"message":"second"}]""");
        var chat = await NodePeer.RunClientAsync("chat", target, notesFile);

        feature.GetProperty("name").GetString().Should().Be(eiffel.Name);
        var expectedEurope = Catalog.GetFeaturesWithin(new GeoPoint(350000000, -100000000), new GeoPoint(600000000, 300000000)).Select(f => f.Name);
        europe.EnumerateArray().Select(f => f.GetProperty("name").GetString()).Should().BeEquivalentTo(expectedEurope);
        europe.GetArrayLength().Should().BeGreaterThan(5);
        chat.EnumerateArray().Select(n => n.GetProperty("message").GetString()).Should().Equal("first");
    }

    [Test]
    public async Task Our_client_records_a_route_on_a_Node_server_with_the_Go_arithmetic()
    {
        await using var server = await StartNodeServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri($"http://127.0.0.1:{server.Port}"), path);
        var random = new Random(29);
        var eiffel = Catalog.Features[0].Location;
        var route = Enumerable.Range(0, 1_000)
            .Select(i => i % 10 == 0
                ? Routes.ToPoint(eiffel)
                : new Point { Latitude = eiffel.Latitude + random.Next(-5_000_000, 5_000_000), Longitude = eiffel.Longitude + random.Next(-5_000_000, 5_000_000) })
            .ToArray();

        var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route);

        var ours = Routes.RecordLocally(route, Catalog);
        summary.PointCount.Should().Be(1_000);
        summary.FeatureCount.Should().Be((int)ours.FeatureCount).And.Be(100);
        summary.Distance.Should().BeCloseTo((int)TruncatedPerSegment(route), 1, "the Node server truncates every segment, as the Go server does (±1 m for rounding in the sum)");
        (ours.ToSummary().Distance - summary.Distance).Should().BeInRange(0, 999, "rounding the total once loses less than truncating each of 999 segments");
    }

    [Test]
    public async Task A_reference_style_server_wraps_a_long_distance_to_a_wrong_number_where_ours_saturates()
    {
        await using var server = await StartNodeServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri($"http://127.0.0.1:{server.Port}"), path);
        var route = Routes.Random(29, Catalog, count: 1_000); // random points around the globe: about 1e10 m in all

        var theirs = await channel.CreateRouteGuideClient().RecordRouteAsync(route);

        var truncated = TruncatedPerSegment(route);
        truncated.Should().BeGreaterThan(int.MaxValue);
        theirs.Distance.Should().BeCloseTo(unchecked((int)truncated), 1, "int32 arithmetic wraps around");
        Routes.RecordLocally(route, Catalog).ToSummary().Distance.Should().Be(int.MaxValue);
    }

    private async Task<NodeServer> StartNodeServerAsync()
    {
        var catalogPath = Path.Combine(_directory, "catalog.json");
        File.WriteAllText(catalogPath, JsonSerializer.Serialize(Catalog.Features.Select(f => new
        {
            location = new { latitude = f.Location.Latitude, longitude = f.Location.Longitude },
            name = f.Name,
        })));
        return await NodePeer.StartServerAsync(catalogPath);
    }

    private static long TruncatedPerSegment(Point[] route)
    {
        var points = route.Select(p => new GeoPoint(p.Latitude, p.Longitude)).ToArray();
        return points.Zip(points.Skip(1), (a, b) => (long)Haversine.DistanceMetres(a, b)).Sum();
    }

    private string WritePoints(IEnumerable<Point> route)
    {
        var path = Path.Combine(_directory, "points.json");
        File.WriteAllText(path, JsonSerializer.Serialize(route.Select(p => new { latitude = p.Latitude, longitude = p.Longitude })));
        return path;
    }
}
