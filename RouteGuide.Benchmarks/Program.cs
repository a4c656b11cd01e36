using BenchmarkDotNet.Running;

namespace RouteGuide.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line, e.g. <c>--filter '*Recorder*'</c>.
/// Every public benchmark class in this assembly is found, so a new benchmark is just a new file.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
