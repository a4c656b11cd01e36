using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

// Host the service the way the README shows, on a free loopback port.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
builder.Services.AddRouteGuide();
var app = builder.Build();
app.MapGrpcService<RouteGuideService>();
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

// Call it with the client adapter, and compare with the statistics computed locally.
var eiffel = FeatureCatalog.Default.Features[0].Location;
Point[] route =
[
    new() { Latitude = eiffel.Latitude, Longitude = eiffel.Longitude },
    new() { Latitude = 515007292, Longitude = -1246254 },
    new() { Latitude = eiffel.Latitude, Longitude = eiffel.Longitude },
];
using var channel = RouteGuideChannel.ForAddress(address);
var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route);

var local = new RouteRecorder(FeatureCatalog.Default);
foreach (var point in route)
{
    local.Record(point.Latitude, point.Longitude);
}

var expected = local.GetStatistics();
await app.StopAsync();
Console.WriteLine($"Package consumer: {summary.PointCount} points, {summary.FeatureCount} features, {summary.Distance} m.");
if (summary.PointCount != 3 || summary.FeatureCount != expected.FeatureCount || summary.Distance != (int)Math.Floor(expected.DistanceMetres))
{
    Console.Error.WriteLine($"Package consumer: expected {expected}, the server said {summary}.");
    return 1;
}

return 0;
