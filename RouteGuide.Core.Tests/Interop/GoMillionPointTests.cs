using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>One long RecordRoute stream from the Go client (grpc-go, the original RouteGuide's stack) to our server.</summary>
[Category("Long")]
public class GoMillionPointTests
{
    [TestCase(WirePath.Fast)]
    [TestCase(WirePath.Standard)]
    public async Task A_million_point_route_from_the_Go_client_is_recorded_exactly(WirePath path)
    {
        var peer = InteropPeer.All["Go"];
        await peer.EnsureReadyAsync();
        var directory = Directory.CreateTempSubdirectory("routeguide-interop-").FullName;
        try
        {
            var catalog = FeatureCatalog.Default;
            await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, catalog, wirePath: path);
            var route = Routes.Random(1_000_000, catalog, count: 1_000_000);

            var summary = await peer.RunClientAsync("record", host.Address.Authority, PeerFiles.WritePoints(Path.Combine(directory, "points.json"), route));

            var expected = Routes.RecordLocally(route, catalog);
            summary.GetProperty("pointCount").GetInt32().Should().Be(1_000_000);
            summary.GetProperty("featureCount").GetInt32().Should().Be((int)expected.FeatureCount);
            summary.GetProperty("distance").GetInt32().Should().Be(expected.ToSummary().Distance);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
