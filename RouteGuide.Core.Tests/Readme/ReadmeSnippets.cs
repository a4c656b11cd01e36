using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Time.Testing;
// snippet: usings
using Grpc.Net.Client;            // GrpcChannel, for a channel of your own
using RouteGuide.Core.AspNetCore; // AddRouteGuideServer, MapRouteGuide (package RouteGuide.Core.AspNetCore)
using RouteGuide.Core.Protocol;   // Point, RouteSummary, ... (generated from protos/route_guide.proto)
using RouteGuide.Core.Rpc;        // RouteGuideService, AddRouteGuide, RouteGuideChannel, RecordRouteAsync
using RouteGuide.Core.Statistics; // IRouteRecorder, RouteRecorderFactory, FeatureCatalog, RouteStatistics
// end snippet

namespace RouteGuide.Core.Tests.Readme;

/// <summary>
/// The code shown in README.md. Each region between "snippet:" and "end snippet" appears in the README
/// word for word (<see cref="ReadmeSnippetTests"/> checks it), and the tests run it.
/// </summary>
internal static class ReadmeSnippets
{
    public static WebApplication HostInAspNetCore(WebApplicationBuilder builder)
    {
        // snippet: host
        builder.Services.AddRouteGuideServer(); // gRPC, the service and its call policy; register your own IFeatureLookup first
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(
            endpoint => endpoint.Protocols = HttpProtocols.Http2)); // cleartext HTTP/2 (h2c); with TLS, HTTP/2 is negotiated
        var app = builder.Build();
        app.MapRouteGuide();
        // end snippet
        return app;
    }

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

    public static void UseKestrelOnLoopback(WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
}
