using BenchmarkDotNet.Running;

namespace RouteGuide.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line, e.g. <c>--filter '*Recorder*'</c>.
/// Every public benchmark class in this assembly is found, so a new benchmark is just a new file.
/// Three other modes are plain programs: <c>serve --port P</c> hosts the RouteGuide server (the
/// end-to-end benchmarks start it as a child process), and <c>latency</c> and <c>memory</c> are the
/// end-to-end measurements that BenchmarkDotNet does not make (see BENCHMARKS.md).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        switch (args.FirstOrDefault())
        {
            case "serve":
                await BenchmarkServer.RunAsync(args[1..]).ConfigureAwait(false);
                return 0;
            case "latency":
                return await LatencyMeasurement.RunAsync(args[1..]).ConfigureAwait(false);
            case "profile":
                return await ProfileMeasurement.RunAsync(args[1..]).ConfigureAwait(false);
            case "memory":
                return await MemoryMeasurement.RunAsync(args[1..]).ConfigureAwait(false);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
