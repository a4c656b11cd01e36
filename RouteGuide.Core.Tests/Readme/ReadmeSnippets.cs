using Microsoft.Extensions.Time.Testing;
#pragma warning disable IDE0005 // The test project has RouteGuide.Core.Testing as a global using; a reader's project does not.
// snippet: usings
using Grpc.Net.Client;            // GrpcChannel, for a channel of your own
using RouteGuide.Core.Protocol;   // Point, RouteSummary, ... (generated from protos/route_guide.proto)
using RouteGuide.Core.Rpc;        // RouteGuideChannel, RecordRouteAsync
using RouteGuide.Core.Statistics; // IRouteRecorder, RouteRecorderFactory, FeatureCatalog, RouteStatistics
using RouteGuide.Core.Testing;    // RouteGuideTestHost (package RouteGuide.Core.Testing)
// end snippet
#pragma warning restore IDE0005

namespace RouteGuide.Core.Tests.Readme;

/// <summary>
/// The code shown in README.md and docs/fast-path.md. Each region between "snippet:" and "end snippet"
/// appears in its document word for word (<see cref="ReadmeSnippetTests"/> checks it), and the tests run it.
/// </summary>
internal static class ReadmeSnippets
{
    public static async Task<RouteSummary> CallWithTheClientAdapter(string address, IEnumerable<Point> points)
    {
        // snippet: client
        using var channel = RouteGuideChannel.ForAddress(address); // e.g. "http://127.0.0.1:50051"
        var client = channel.CreateRouteGuideClient();
        RouteSummary summary = await client.RecordRouteAsync(points, deadline: DateTime.UtcNow.AddMinutes(1));
        Console.WriteLine($"{summary.PointCount} points, {summary.FeatureCount} features, {summary.Distance} m");
        // end snippet
        return summary;
    }

    public static async Task<(RouteSummary Default, RouteSummary Own)> UseTheFastPath(string address, Point[] points)
    {
        // snippet: fast-path
        // The default: the fast path is already there.
        using var channel = RouteGuideChannel.ForAddress(address);
        var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(points);

        // A channel of your own: wrap its handler.
        using var own = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = RouteGuideChannel.WithRecordRouteFastPath(new SocketsHttpHandler { /* your settings */ }),
        });
        // end snippet
        return (summary, await own.CreateRouteGuideClient().RecordRouteAsync(points));
    }

    public static void UnitTestAgainstTheRecorder()
    {
        // snippet: unit-test
        var time = new FakeTimeProvider();
        IRouteRecorder recorder = new RouteRecorderFactory(FeatureCatalog.Default, time).StartRoute();

        recorder.Record(488583701, 22944813);  // the Eiffel Tower, in the embedded catalog
        time.Advance(TimeSpan.FromSeconds(90));
        recorder.Record(515007292, -1246254);  // Big Ben, also in the catalog

        RouteStatistics statistics = recorder.GetStatistics();
        statistics.PointCount.Should().Be(2);
        statistics.FeatureCount.Should().Be(2);
        statistics.DistanceMetres.Should().BeApproximately(340_544.83, 0.01);
        statistics.Elapsed.Should().Be(TimeSpan.FromSeconds(90));
        // end snippet
    }

    public static async Task<RouteSummary> TestWithTheHarness(IEnumerable<Point> points)
    {
        // snippet: harness
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.InMemory); // or HostFlavour.Loopback
        RouteSummary summary = await host.Client.RecordRouteAsync(points);
        host.Calls.Should().ContainSingle(call => call.Method == "/routeguide.RouteGuide/RecordRoute");
        host.Errors.Should().BeEmpty(); // no server log at Error or above
        // end snippet
        return summary;
    }
}
