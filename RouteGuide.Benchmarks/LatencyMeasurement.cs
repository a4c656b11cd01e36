using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>latency [calls]</c>: end-to-end (c). Whole 10-point RecordRoute calls on warm channels to a child
/// server, fast path and stock alternating call by call (so both see the same machine load), and the
/// exact p50, p90, p99 and mean of each path's call times. Every call checks the server's point count.
/// BenchmarkDotNet is not used here because its percentile columns stop at P95 and P100.
/// </summary>
internal static class LatencyMeasurement
{
    private const int RoutePoints = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        var route = Benchmarks.RoutePoints.Create(RoutePoints);
        using var server = ServerProcess.Start();
        using var fastChannel = RouteGuideChannel.ForAddress(server.Address);
        using var stockChannel = GrpcChannel.ForAddress(server.Address);
        var fast = fastChannel.CreateRouteGuideClient();
        var stock = stockChannel.CreateRouteGuideClient();

        // Warm-up: connections, JIT, pools.
        for (var i = 0; i < 500; i++)
        {
            await CallAsync(fast, route).ConfigureAwait(false);
            await CallAsync(stock, route).ConfigureAwait(false);
        }

        var fastTimes = new double[calls];
        var stockTimes = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            // Alternate which path goes first, so neither always follows the other.
            if (i % 2 == 0)
            {
                fastTimes[i] = await CallAsync(fast, route).ConfigureAwait(false);
                stockTimes[i] = await CallAsync(stock, route).ConfigureAwait(false);
            }
            else
            {
                stockTimes[i] = await CallAsync(stock, route).ConfigureAwait(false);
                fastTimes[i] = await CallAsync(fast, route).ConfigureAwait(false);
            }
        }

        Console.WriteLine($"10-point RecordRoute calls on warm channels, {calls} calls per path, times in microseconds:");
        Console.WriteLine("| Path | p50 | p90 | p99 | mean |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        Report("fast (RouteGuideChannel.ForAddress)", fastTimes);
        Report("stock (plain GrpcChannel)", stockTimes);
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
