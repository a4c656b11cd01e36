using System.Text.Json;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// Our server and client against each RouteGuide peer written in another language (<c>interop/</c>):
/// their client calls all four methods on our server, and our client calls all four on their server,
/// whose answers follow its own language's reference example (<see cref="ReferenceServer"/>).
/// ListFeatures and RouteChat results are compared as sets: the references stream ListFeatures in
/// catalog order, our server in order of latitude, and the proto leaves the order open. Each peer runs
/// against both of RecordRoute's paths: our server's batch reads and our client's bulk writes
/// (<see cref="WirePath.Fast"/>), and the per-message reader and coalesced writes (<see cref="WirePath.Standard"/>).
/// </summary>
[TestFixture("Go", WirePath.Fast)]
[TestFixture("Go", WirePath.Standard)]
[TestFixture("Python", WirePath.Fast)]
[TestFixture("Python", WirePath.Standard)]
[TestFixture("Node", WirePath.Fast)]
[TestFixture("Node", WirePath.Standard)]
public class InteropTests(string peerName, WirePath path)
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(60);
    private readonly InteropPeer _peer = InteropPeer.All[peerName];
    private string _directory = null!;

    private ReferenceServer Reference => _peer.Reference;

    [OneTimeSetUp]
    public Task PreparePeer() => _peer.EnsureReadyAsync();

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("routeguide-interop-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Their_client_records_a_route_on_our_server_with_exact_statistics()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var route = Routes.Random(17, Catalog, count: 500);

        var summary = await _peer.RunClientAsync("record", host.Address.Authority, WritePoints(route));

        var expected = Routes.RecordLocally(route, Catalog);
        summary.GetProperty("pointCount").GetInt32().Should().Be(500);
        summary.GetProperty("featureCount").GetInt32().Should().Be((int)expected.FeatureCount).And.BeGreaterThan(100);
        summary.GetProperty("distance").GetInt32().Should().Be(expected.ToSummary().Distance);
        summary.GetProperty("elapsedTime").GetInt32().Should().Be(0, "the test host's clock does not move");
    }

    [Test]
    public async Task Their_client_gets_InvalidArgument_naming_the_bad_point()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var route = Routes.Random(3, Catalog, count: 10);
        route[7] = new Point { Latitude = -900_000_001, Longitude = 123 };

        var result = await _peer.RunClientAsync("record", host.Address.Authority, WritePoints(route));

        var error = result.GetProperty("error");
        error.GetProperty("code").GetInt32().Should().Be((int)StatusCode.InvalidArgument);
        error.GetProperty("details").GetString().Should().MatchRegex(@"\b7\b", "the message names the point's index")
            .And.Contain("-900000001").And.Contain("123");
        await host.WaitForNoActiveCallsAsync();
    }

    [Test]
    public async Task Their_client_cancelling_a_route_leaves_no_active_call_on_our_server()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        await using var client = _peer.StartClient("cancel", host.Address.Authority, WritePoints(Routes.Random(5, Catalog, count: 100)));

        var sent = await client.ReadJsonLineAsync(LineTimeout);
        sent.GetProperty("sent").GetInt32().Should().Be(100);
        await host.Eventually(() => host.ActiveCalls == 1, "their RecordRoute call is in progress on our server");
        client.CloseInput();
        var result = await client.ReadJsonLineAsync(LineTimeout);

        result.GetProperty("error").GetProperty("code").GetInt32().Should().Be((int)StatusCode.Cancelled);
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty("a client that cancels is not a server error");
    }

    [Test]
    public async Task Their_client_gets_named_and_unnamed_features_from_our_server()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var eiffel = Catalog.Features[0];

        var found = await _peer.RunClientAsync("feature", host.Address.Authority, $"{eiffel.Location.Latitude}", $"{eiffel.Location.Longitude}");
        var missing = await _peer.RunClientAsync("feature", host.Address.Authority, "123", "-456");

        found.GetProperty("name").GetString().Should().Be(eiffel.Name);
        LocationOf(found).Should().Be(eiffel.Location);
        missing.GetProperty("name").GetString().Should().BeEmpty();
        LocationOf(missing).Should().Be(new GeoPoint(123, -456));
    }

    [Test]
    public async Task Their_client_lists_the_features_in_a_rectangle_on_our_server()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);

        var europe = await _peer.RunClientAsync("list", host.Address.Authority, "600000000", "300000000", "350000000", "-100000000");

        var expected = Catalog.GetFeaturesWithin(new GeoPoint(350_000_000, -100_000_000), new GeoPoint(600_000_000, 300_000_000)).ToList();
        expected.Should().HaveCountGreaterThan(5);
        europe.EnumerateArray().Select(FeatureOf).Should().BeEquivalentTo(expected, "the same features, in our server's order (by latitude)");
    }

    [Test]
    public async Task Their_client_chats_on_our_server()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var first = await _peer.RunClientAsync("chat", host.Address.Authority, WriteNotes(ChatCalls[0]));
        var second = await _peer.RunClientAsync("chat", host.Address.Authority, WriteNotes(ChatCalls[1]));

        // Ours answers a note with the notes left earlier at its location by any call, not with itself.
        MessagesOf(first).Should().BeEquivalentTo(["first"]);
        MessagesOf(second).Should().BeEquivalentTo(["first", "second"]);
    }

    [Test]
    public async Task Our_client_records_a_route_on_their_server_with_their_arithmetic()
    {
        await using var server = await StartServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri(server.Address), path);
        var route = RouteAroundTheCatalog(seed: 29, count: 1_000);
        var started = TimeProvider.System.GetTimestamp();

        var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route);

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var ours = Routes.RecordLocally(route, Catalog);
        summary.PointCount.Should().Be(1_000);
        summary.FeatureCount.Should().Be(Reference.FeatureCount(route, Catalog));
        summary.Distance.Should().Be(Reference.SummaryDistance(route));
        summary.ElapsedTime.Should().BeInRange(0, (int)Math.Ceiling(elapsed.TotalSeconds));

        // The arithmetic is visible: where the reference differs from ours, so do the numbers.
        if (Reference.Rounding == DistanceRounding.TruncateEachSegment)
        {
            (ours.ToSummary().Distance - summary.Distance).Should().BeInRange(100, 999, "truncating each of 999 segments loses up to 1 m per segment");
        }
        else
        {
            summary.Distance.Should().Be(ours.ToSummary().Distance, "the doubles are added and the total is truncated once, as we do");
        }

        if (Reference.CountsUnnamedFeatures)
        {
            summary.FeatureCount.Should().Be((int)ours.FeatureCount);
        }
        else
        {
            summary.FeatureCount.Should().BeLessThan((int)ours.FeatureCount, "the route passes unnamed catalog entries too");
        }
    }

    [Test]
    public async Task Our_client_records_a_route_past_int32_metres_on_their_server()
    {
        await using var server = await StartServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri(server.Address), path);
        var route = Routes.Random(29, Catalog, count: 1_000); // random points around the globe: about 1e10 m in all
        Reference.UnboundedDistance(route).Should().BeGreaterThan(int.MaxValue);

        var call = () => channel.CreateRouteGuideClient().RecordRouteAsync(route);

        if (Reference.Overflow == DistanceOverflow.Wraps)
        {
            var summary = await call();
            summary.Distance.Should().Be(unchecked((int)Reference.UnboundedDistance(route)), "their int32 wraps around");
        }
        else
        {
            (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unknown, "their protobuf refuses a value past int32");
        }

        Routes.RecordLocally(route, Catalog).ToSummary().Distance.Should().Be(int.MaxValue, "ours saturates");
    }

    [Test]
    public async Task Our_client_gets_named_and_unnamed_features_from_their_server()
    {
        await using var server = await StartServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri(server.Address), path);
        var client = channel.CreateRouteGuideClient();
        var eiffel = Catalog.Features[0];

        var found = await client.GetFeatureAsync(Routes.ToPoint(eiffel.Location));
        var missing = await client.GetFeatureAsync(new Point { Latitude = 123, Longitude = -456 });

        found.Name.Should().Be(eiffel.Name);
        found.Location.Should().Be(Routes.ToPoint(eiffel.Location));
        missing.Name.Should().BeEmpty();
        missing.Location.Should().Be(new Point { Latitude = 123, Longitude = -456 });
    }

    [Test]
    public async Task Our_client_lists_the_features_in_a_rectangle_on_their_server()
    {
        await using var server = await StartServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri(server.Address), path);
        using var call = channel.CreateRouteGuideClient().ListFeatures(new Rectangle
        {
            Lo = new Point { Latitude = 600_000_000, Longitude = 300_000_000 },
            Hi = new Point { Latitude = 350_000_000, Longitude = -100_000_000 },
        });

        var received = new List<CatalogFeature>();
        await foreach (var feature in call.ResponseStream.ReadAllAsync())
        {
            received.Add(new CatalogFeature(feature.Name, new GeoPoint(feature.Location.Latitude, feature.Location.Longitude)));
        }

        var expected = Catalog.GetFeaturesWithin(new GeoPoint(350_000_000, -100_000_000), new GeoPoint(600_000_000, 300_000_000)).ToList();
        expected.Should().HaveCountGreaterThan(5);
        received.Should().BeEquivalentTo(expected, "the same features; their order is the catalog's");
    }

    [Test]
    public async Task Our_client_chats_on_their_server()
    {
        await using var server = await StartServerAsync();
        using var channel = RouteGuideTestHost.CreateChannel(new Uri(server.Address), path);
        var client = channel.CreateRouteGuideClient();

        var replies = new List<IReadOnlyList<string>>();
        foreach (var notes in ChatCalls)
        {
            using var call = client.RouteChat();
            var reading = call.ResponseStream.ReadAllAsync().Select(note => note.Message).ToListAsync().AsTask();
            foreach (var note in notes)
            {
                await call.RequestStream.WriteAsync(note);
            }

            await call.RequestStream.CompleteAsync();
            replies.Add(await reading);
        }

        var expected = Reference.ChatReplies(ChatCalls);
        replies.Should().HaveCount(2);
        replies[0].Should().BeEquivalentTo(expected[0]);
        replies[1].Should().BeEquivalentTo(expected[1]);
    }

    /// <summary>Two RouteChat calls, one after the other: two notes at one place and one elsewhere, then a third note at the first place.</summary>
    private static IReadOnlyList<IReadOnlyList<RouteNote>> ChatCalls { get; } =
    [
        [Note(1, 1, "first"), Note(1, 1, "second"), Note(2, 2, "elsewhere")],
        [Note(1, 1, "third")],
    ];

    private static RouteNote Note(int latitude, int longitude, string message) =>
        new() { Location = new Point { Latitude = latitude, Longitude = longitude }, Message = message };

    /// <summary>Random points within about 50 km of Paris, every tenth a catalog entry in turn (unnamed ones included).</summary>
    private static Point[] RouteAroundTheCatalog(int seed, int count)
    {
        var random = new Random(seed);
        var paris = Catalog.Features[0].Location;
        return Enumerable.Range(0, count)
            .Select(i => i % 10 == 0
                ? Routes.ToPoint(Catalog.Features[i / 10 % Catalog.Count].Location)
                : new Point { Latitude = paris.Latitude + random.Next(-5_000_000, 5_000_000), Longitude = paris.Longitude + random.Next(-5_000_000, 5_000_000) })
            .ToArray();
    }

    private static GeoPoint LocationOf(JsonElement feature)
    {
        var location = feature.GetProperty("location");
        return new GeoPoint(location.GetProperty("latitude").GetInt32(), location.GetProperty("longitude").GetInt32());
    }

    private static CatalogFeature FeatureOf(JsonElement feature) => new(feature.GetProperty("name").GetString()!, LocationOf(feature));

    private static IEnumerable<string?> MessagesOf(JsonElement notes) => notes.EnumerateArray().Select(note => note.GetProperty("message").GetString());

    private Task<PeerServer> StartServerAsync() =>
        _peer.StartServerAsync(PeerFiles.WriteCatalog(Path.Combine(_directory, "catalog.json"), Catalog));

    private string WritePoints(IEnumerable<Point> route) => PeerFiles.WritePoints(Path.Combine(_directory, "points.json"), route);

    private string WriteNotes(IEnumerable<RouteNote> notes) => PeerFiles.WriteNotes(Path.Combine(_directory, $"notes-{Guid.NewGuid():N}.json"), notes);
}
