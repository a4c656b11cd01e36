using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>latency [calls]</c>: end-to-end (c). Whole 10-point RecordRoute calls on warm channels: the new
/// paths twice, the standard paths twice and the stock client once, each to a child server of its own,
/// taking turns call by call in a new random order each round (so all see the same machine load). For
/// each path, and for each pair of identical paths together, the exact p50, p90, p99 and p99.9 of its
/// call times, the longest, the mean, and the share of calls over a millisecond. Every call checks the server's point count.
/// </summary>
/// <remarks>
/// <para>
/// Each path has its own server, so that no server is kept warmer than another by serving more of the
/// calls: with one server shared by two paths, that server answered faster, at the median too.
/// </para>
/// <para>
/// The compared paths run twice, to identical servers, because the tail on a small machine is mostly
/// the machine's: with six processes on two cores, one to three calls in a hundred wait a millisecond
/// or more for a core, so the p99 falls where those stalls begin and moves by tens of percent between
/// two identical paths in the same run. The gap between the two rows of a pair is that spread; a
/// difference between paths smaller than it is not a difference. The pooled rows are the ones to compare.
/// BenchmarkDotNet is not used here because its percentile columns stop at P95 and P100.
/// </para>
/// </remarks>
internal static class LatencyMeasurement
{
    private const int RoutePoints = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var route = Benchmarks.RoutePoints.Create(RoutePoints);
        var servers = new List<ServerProcess>();
        var channels = new List<GrpcChannel>();
        try
        {
            RouteGuideClient Start(bool standardRead, Func<Uri, GrpcChannel> connect)
            {
                var server = ServerProcess.Start(standardRead);
                servers.Add(server);
                var channel = connect(server.Address);
                channels.Add(channel);
                return channel.CreateRouteGuideClient();
            }

            const string NewPaths = "new paths (bulk write, batch read)";
            const string StandardPaths = "standard paths (coalescing writes, per-message read)";
            (string Name, string Kind, RouteGuideClient Client)[] paths =
            [
                (NewPaths + ", A", NewPaths, Start(standardRead: false, address => RouteGuideChannel.ForAddress(address))),
                (NewPaths + ", B", NewPaths, Start(standardRead: false, address => RouteGuideChannel.ForAddress(address))),
                (StandardPaths + ", A", StandardPaths, Start(standardRead: true, address => RouteGuideChannel.ForAddress(address, RefuseBulkWrites))),
                (StandardPaths + ", B", StandardPaths, Start(standardRead: true, address => RouteGuideChannel.ForAddress(address, RefuseBulkWrites))),
                ("stock client, per-message read", "stock", Start(standardRead: true, address => GrpcChannel.ForAddress(address))),
            ];

            // Warm-up: connections, JIT, pools.
            for (var i = 0; i < 500; i++)
            {
                foreach (var path in paths)
                {
                    await CallAsync(path.Client, route).ConfigureAwait(false);
                }
            }

            var times = paths.Select(_ => new double[calls]).ToArray();
            var order = Enumerable.Range(0, paths.Length).ToArray();
            var shuffle = new Random(20261130);
            for (var i = 0; i < calls; i++)
            {
                // A new random order each round (fixed seed), so that each path follows each other path, and the
                // work a call leaves behind on a core, equally often. (A rotation does not: it puts some paths
                // after the stock client's calls, the heaviest, more often than others.)
                shuffle.Shuffle(order);
                foreach (var p in order)
                {
                    times[p][i] = await CallAsync(paths[p].Client, route).ConfigureAwait(false);
                }
            }

            Console.WriteLine($"10-point RecordRoute calls on warm channels, {calls} calls per path, times in microseconds:");
            Console.WriteLine("| Path | p50 | p90 | p99 | p99.9 | max | mean | over 1 ms |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (var p = 0; p < paths.Length; p++)
            {
                Report(paths[p].Name, times[p]);
            }

            foreach (var pair in paths.Select((path, index) => (path.Kind, Times: times[index])).GroupBy(path => path.Kind).Where(group => group.Count() > 1))
            {
                Report($"**{pair.Key}, A and B together**", pair.SelectMany(path => path.Times).ToArray());
            }

            return 0;
        }
        finally
        {
            channels.ForEach(channel => channel.Dispose());
            servers.ForEach(server => server.Dispose());
        }
    }

    private static void RefuseBulkWrites(GrpcChannelOptions options) => ((CoalescingHandler)options.HttpHandler!).RefuseBulkWrites();

    private static async Task<double> CallAsync(RouteGuideClient client, Point[] route)
    {
        var started = Stopwatch.GetTimestamp();
        var summary = await client.RecordRouteAsync(route).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Benchmarks.RoutePoints.CheckCount(summary, route.Length, "latency call");
        return elapsed.TotalMicroseconds;
    }

    private static void Report(string path, double[] times)
    {
        var sorted = times.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        var overOneMillisecond = (double)sorted.Count(t => t > 1000) / sorted.Length;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {path} | {At(0.50):F0} | {At(0.90):F0} | {At(0.99):F0} | {At(0.999):F0} | {sorted[^1]:F0} | {sorted.Average():F0} | {overOneMillisecond * 100:F2} % |"));
    }
}
