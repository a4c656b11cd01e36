namespace RouteGuide.Benchmarks;
internal static class LatencyMeasurement
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
