using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// Whole RecordRoute calls between two processes over HTTP/2 on 127.0.0.1: this process is the
/// client, the server is this program's <c>serve</c> mode in a child process (Kestrel, h2c).
/// Fast = a channel from <see cref="RouteGuideChannel.ForAddress(Uri, Action{GrpcChannelOptions}?)"/>
/// (the RecordRoute fast path); stock = a plain <see cref="GrpcChannel.ForAddress(Uri)"/>, where
/// Grpc.Net.Client flushes every message. Every method declares its points through
/// <c>OperationsPerInvoke</c>, so each time is per point; points/s = 1e9 / ns. Every call checks that
/// the server counted exactly the points sent.
/// </summary>
/// <remarks>
/// Runs in process (the child server is found next to this assembly), a monitoring run strategy with
/// few iterations: one invocation of a stock 1,000,000-point call takes many seconds.
/// </remarks>
[Config(typeof(Configuration))]
[MemoryDiagnoser]
public class RecordRouteThroughputBenchmarks
{
    public const int OneCallPoints = 1_000_000;
    public const int Concurrent = 8;
    public const int ConcurrentCallPoints = 250_000;

    private ServerProcess _server = null!;
    private GrpcChannel _fastChannel = null!;
    private GrpcChannel _stockChannel = null!;
    private RouteGuideClient _fast = null!;
    private RouteGuideClient _stock = null!;
    private Point[] _points = [];

    [GlobalSetup]
    public void Setup()
    {
        _server = ServerProcess.Start();
        _fastChannel = RouteGuideChannel.ForAddress(_server.Address);
        _stockChannel = GrpcChannel.ForAddress(_server.Address);
        _fast = _fastChannel.CreateRouteGuideClient();
        _stock = _stockChannel.CreateRouteGuideClient();
        _points = RoutePoints.Create(OneCallPoints);

        // Connect both channels and warm the server before the first measured call.
        RoutePoints.CheckCount(_fast.RecordRouteAsync(_points.AsSpan(0, 10_000).ToArray()).GetAwaiter().GetResult(), 10_000, "warm-up (fast)");
        RoutePoints.CheckCount(_stock.RecordRouteAsync(_points.AsSpan(0, 10_000).ToArray()).GetAwaiter().GetResult(), 10_000, "warm-up (stock)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fastChannel.Dispose();
        _stockChannel.Dispose();
        _server.Dispose();
    }

    /// <summary>(a) One call of 1,000,000 points through the fast path.</summary>
    [Benchmark(OperationsPerInvoke = OneCallPoints)]
    public async Task FastOneCall() =>
        RoutePoints.CheckCount(await _fast.RecordRouteAsync(_points).ConfigureAwait(false), OneCallPoints, nameof(FastOneCall));

    /// <summary>(a) One call of 1,000,000 points through a plain GrpcChannel (one flush per message).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = OneCallPoints)]
    public async Task StockOneCall() =>
        RoutePoints.CheckCount(await _stock.RecordRouteAsync(_points).ConfigureAwait(false), OneCallPoints, nameof(StockOneCall));

    /// <summary>(b) Eight concurrent calls of 250,000 points each on one fast-path channel: aggregate per point.</summary>
    [Benchmark(OperationsPerInvoke = Concurrent * ConcurrentCallPoints)]
    public async Task FastEightConcurrentCalls()
    {
        var calls = new Task<RouteSummary>[Concurrent];
        for (var i = 0; i < calls.Length; i++)
        {
            var slice = new ArraySegment<Point>(_points, i * ConcurrentCallPoints % (OneCallPoints - ConcurrentCallPoints + 1), ConcurrentCallPoints);
            calls[i] = _fast.RecordRouteAsync(slice);
        }

        foreach (var summary in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            RoutePoints.CheckCount(summary, ConcurrentCallPoints, nameof(FastEightConcurrentCalls));
        }
    }

    private sealed class Configuration : ManualConfig
    {
        public Configuration()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(5)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max);
        }
    }
}
