using Grpc.Core;
using NUnit.Framework;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Testing;

namespace TestingConsumer;

public class RecordRouteTests
{
    [Test]
    public async Task A_route_past_two_landmarks_gets_the_exact_summary([Values] HostFlavour flavour)
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour);
        Point[] route =
        [
            new() { Latitude = 488583701, Longitude = 22944813 },
            new() { Latitude = 515007292, Longitude = -1246254 },
        ];

        var summary = await host.Client.RecordRouteAsync(route);

        Assert.That(summary, Is.EqualTo(new RouteSummary { PointCount = 2, FeatureCount = 2, Distance = 340_544, ElapsedTime = 0 }));
        Assert.That(host.Calls, Is.EqualTo(new[] { new ObservedCall("/routeguide.RouteGuide/RecordRoute", StatusCode.OK, string.Empty, 2, 1) }));
        Assert.That(host.Errors, Is.Empty);
    }
}
