using Grpc.Core;
using Microsoft.Extensions.Logging;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// One bad point at the start, middle or end of a long stream over real HTTP/2: the call fails with
/// InvalidArgument naming the point, and nothing is recorded as a success.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class OutOfRangeStreamTests(WirePath path)
{
    private const int Length = 10_000;

    [TestCase(0, 900_000_001, 0, "latitude is")]
    [TestCase(Length / 2, 0, -1_800_000_001, "longitude is")]
    [TestCase(Length - 1, int.MinValue, int.MaxValue, "latitude and longitude are both")]
    public async Task A_bad_point_fails_the_call_naming_its_index_and_no_summary_is_recorded(int badIndex, int latitude, int longitude, string what)
    {
        var catalog = FeatureCatalog.Default;
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, catalog, wirePath: path);
        var route = Routes.Random(77, catalog, count: Length);
        route[badIndex] = new Point { Latitude = latitude, Longitude = longitude };

        var call = () => host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.AddMinutes(1));

        var error = (await call.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().StartWith($"Point {badIndex} of the route (zero-based index): {what} out of range (latitude {latitude}, longitude {longitude};");
        await host.WaitForNoActiveCallsAsync();
        var logs = host.Logs.GetSnapshot();
        logs.Should().NotContain(r => r.Message.StartsWith("RecordRoute completed", StringComparison.Ordinal), "a rejected route is not recorded");
        logs.Should().ContainSingle(r => r.Level == LogLevel.Information && r.Message.StartsWith($"RecordRoute rejected: Point {badIndex} ", StringComparison.Ordinal));
        host.Errors.Should().BeEmpty();

        var valid = route.Where((_, i) => i != badIndex).ToArray();
        var next = await host.Client.RecordRouteAsync(valid, deadline: DateTime.UtcNow.AddMinutes(1));
        next.PointCount.Should().Be(Length - 1, "the next call on the channel works");
        next.Distance.Should().Be(Routes.RecordLocally(valid, catalog).ToSummary().Distance);
    }
}
