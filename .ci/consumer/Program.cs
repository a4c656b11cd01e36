using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Redis;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

// Host the service the way the README shows, on a free loopback port.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
// A host without RouteGuide.Core.AspNetCore applies the call policy as a server interceptor.
builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<RouteGuideCallPolicy>());
builder.Services.AddRouteGuide();

// RouteChat's notes in a Redis that is not there (a closed port): the package's store must say so as Unavailable.
builder.Services.AddRouteGuideRedisNotes("127.0.0.1:1,connectTimeout=2000");
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

var notes = channel.CreateRouteGuideClient().RouteChat();
await notes.RequestStream.WriteAsync(new RouteNote { Location = route[0], Message = "hello" });
await notes.RequestStream.CompleteAsync();
var noteStatus = StatusCode.OK;
try
{
    await notes.ResponseStream.MoveNext();
}
catch (RpcException e) when (e.Status.Detail.Contains("note store is unreachable", StringComparison.Ordinal))
{
    noteStatus = e.StatusCode;
}

await app.StopAsync();
Console.WriteLine($"Package consumer: RouteChat with its Redis store down is {noteStatus}.");
if (noteStatus != StatusCode.Unavailable)
{
    Console.Error.WriteLine("Package consumer: RouteChat with an unreachable Redis note store should be Unavailable.");
    return 1;
}

Console.WriteLine($"Package consumer: {summary.PointCount} points, {summary.FeatureCount} features, {summary.Distance} m.");
if (summary.PointCount != 3 || summary.FeatureCount != expected.FeatureCount || summary.Distance != (int)Math.Floor(expected.DistanceMetres))
{
    Console.Error.WriteLine($"Package consumer: expected {expected}, the server said {summary}.");
    return 1;
}

return 0;
