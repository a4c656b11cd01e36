using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>Many long RecordRoute streams at once over real HTTP/2: every summary exact, nothing lost.</summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class LoadTests(WirePath path)
{
    /// <summary>Concurrent calls.</summary>
    public const int Calls = 100;

    /// <summary>Points per call.</summary>
    public const int PointsPerCall = 100_000;

    /// <summary>Channels (so HTTP/2 connections at least) the calls are spread over.</summary>
    public const int Channels = 4;

    /// <summary>
    /// 10,000,000 points in all, about 20 s on a 2-core machine, so it is in the "Long" category; CI
    /// runs it all the same.
    /// </summary>
    [Test]
    [Category("Long")]
    public async Task Concurrent_long_streams_over_a_few_channels_each_get_their_exact_summary()
    {
        var catalog = FeatureCatalog.Default;
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, catalog, wirePath: path);
        var channels = Enumerable.Range(0, Channels).Select(_ => host.CreateChannel()).ToArray();
        try
        {
            var clients = channels.Select(c => c.CreateRouteGuideClient()).ToArray();
            var started = TimeProvider.System.GetTimestamp();

            var summaries = await Task.WhenAll(Enumerable.Range(0, Calls).Select(i =>
                Task.Run(() => clients[i % Channels].RecordRouteAsync(Route(i, catalog), deadline: DateTime.UtcNow.AddMinutes(10)))));

            var elapsed = TimeProvider.System.GetElapsedTime(started);
            TestContext.Out.WriteLine($"{Calls} calls x {PointsPerCall} points in {elapsed.TotalSeconds:F1} s ({Calls * (double)PointsPerCall / elapsed.TotalSeconds:F0} points/s)");
            for (var i = 0; i < Calls; i++)
            {
                var expected = Routes.RecordLocally(Route(i, catalog), catalog);
                summaries[i].PointCount.Should().Be(PointsPerCall, $"call {i} lost no point");
                summaries[i].FeatureCount.Should().Be((int)expected.FeatureCount, $"call {i}");
                summaries[i].Distance.Should().Be(expected.ToSummary().Distance, $"call {i}");
            }

            await host.WaitForNoActiveCallsAsync();
            host.Errors.Should().BeEmpty();
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>Call <paramref name="call"/>'s route: seeded, lazily generated, one point in 8 on a catalog feature.</summary>
    private static IEnumerable<Point> Route(int call, FeatureCatalog catalog)
    {
        var random = new Random(10_000 + call);
        for (var i = 0; i < PointsPerCall; i++)
        {
            yield return random.Next(8) == 0
                ? Routes.ToPoint(catalog.Features[random.Next(catalog.Count)].Location)
                : new Point { Latitude = random.Next(-900_000_000, 900_000_001), Longitude = random.Next(-1_800_000_000, 1_800_000_001) };
        }
    }
}
