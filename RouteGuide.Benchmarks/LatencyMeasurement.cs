using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>latency [calls]</c>: end-to-end (c). Whole 10-point RecordRoute calls on warm channels to child
/// servers, the new paths, the standard paths and the stock client taking turns call by call in a new random order each round (so all
/// see the same machine load), and the exact p50, p90, p99 and mean of each path's call times. Every call checks the server's point count.
/// BenchmarkDotNet is not used here because its percentile columns stop at P95 and P100.
/// </summary>
internal static class LatencyMeasurement
{
    private const int RoutePoints = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var route = Benchmarks.RoutePoints.Create(RoutePoints);
        using var batchServer = ServerProcess.Start();
        using var standardServer = ServerProcess.Start(standardRead: true);
        using var newChannel = RouteGuideChannel.ForAddress(batchServer.Address);
        using var standardChannel = RouteGuideChannel.ForAddress(standardServer.Address, options => ((CoalescingHandler)options.HttpHandler!).RefuseBulkWrites());
        using var stockChannel = GrpcChannel.ForAddress(standardServer.Address);
        (string Name, RouteGuideClient Client)[] paths =
        [
            ("new paths (bulk write, batch read)", newChannel.CreateRouteGuideClient()),
            ("standard paths (coalescing writes, per-message read)", standardChannel.CreateRouteGuideClient()),
            ("stock client, per-message read", stockChannel.CreateRouteGuideClient()),
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
            // work a call leaves behind on a core, equally often. (A rotation does not: with three paths it put
            // the new paths after the stock client's calls, the heaviest, in two rounds out of three.)
            shuffle.Shuffle(order);
            foreach (var p in order)
            {
                times[p][i] = await CallAsync(paths[p].Client, route).ConfigureAwait(false);
            }
        }

        Console.WriteLine($"10-point RecordRoute calls on warm channels, {calls} calls per path, times in microseconds:");
        Console.WriteLine("| Path | p50 | p90 | p99 | mean |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        for (var p = 0; p < paths.Length; p++)
        {
            Report(paths[p].Name, times[p]);
        }

        return 0;
    }

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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {path} | {At(0.50):F0} | {At(0.90):F0} | {At(0.99):F0} | {sorted.Average():F0} |"));
    }
}
