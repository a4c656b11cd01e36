namespace RouteGuide.Benchmarks;
internal static class MemoryMeasurement
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(0);
}
