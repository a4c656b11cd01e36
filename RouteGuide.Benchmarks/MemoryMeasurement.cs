using System.Diagnostics;
using System.Globalization;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>memory [points]</c>: end-to-end (d). One fast-path RecordRoute call of 10,000,000 points (made as
/// they are sent, so the route itself holds no memory) to a child server, with both processes' working
/// sets sampled every 20 ms. Reports each process's growth over its working set after a warm-up call
/// (largest sample minus the baseline) and its peak working set (VmHWM) before and after.
/// Checks the server's point count.
/// </summary>
internal static class MemoryMeasurement
{
    private const long LimitBytes = 50L * 1024 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var points = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        using var server = ServerProcess.Start();
        using var channel = RouteGuideChannel.ForAddress(server.Address);
        var client = channel.CreateRouteGuideClient();
        using var self = Process.GetCurrentProcess();

        // Warm-up: JIT, connection, pools, a first round of garbage collections on both sides.
        RoutePoints.CheckCount(await client.RecordRouteAsync(RoutePoints.Stream(500_000)).ConfigureAwait(false), 500_000, "warm-up");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await Task.Delay(500).ConfigureAwait(false);

        self.Refresh();
        var clientBase = self.WorkingSet64;
        var clientPeakBefore = self.PeakWorkingSet64;
        var (serverBase, serverPeakBefore) = server.Memory();
        long clientMax = clientBase, serverMax = serverBase;

        var clock = Stopwatch.StartNew();
        var call = client.RecordRouteAsync(RoutePoints.Stream(points));
        while (!call.IsCompleted)
        {
            self.Refresh();
            clientMax = Math.Max(clientMax, self.WorkingSet64);
            serverMax = Math.Max(serverMax, server.Memory().WorkingSet);
            await Task.WhenAny(call, Task.Delay(20)).ConfigureAwait(false);
        }

        var summary = await call.ConfigureAwait(false);
        clock.Stop();
        RoutePoints.CheckCount(summary, points, "memory call");
        self.Refresh();
        var clientPeakAfter = self.PeakWorkingSet64;
        var (_, serverPeakAfter) = server.Memory();

        static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"One fast-path call of {points:N0} points in {clock.Elapsed.TotalSeconds:F1} s ({points / clock.Elapsed.TotalSeconds:N0} points/s); server counted {summary.PointCount:N0}."));
        Console.WriteLine("| Process | working set after warm-up (MiB) | largest sample during the call (MiB) | growth (MiB) | peak working set before → after (MiB) | growth < 50 MiB |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- | --- |");
        Console.WriteLine($"| client | {Mb(clientBase)} | {Mb(clientMax)} | {Mb(clientMax - clientBase)} | {Mb(clientPeakBefore)} → {Mb(clientPeakAfter)} | {(clientMax - clientBase < LimitBytes ? "yes" : "NO")} |");
        Console.WriteLine($"| server | {Mb(serverBase)} | {Mb(serverMax)} | {Mb(serverMax - serverBase)} | {Mb(serverPeakBefore)} → {Mb(serverPeakAfter)} | {(serverMax - serverBase < LimitBytes ? "yes" : "NO")} |");
        return 0;
    }
}
