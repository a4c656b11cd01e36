using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// Whole RecordRoute calls between two processes over HTTP/2 on 127.0.0.1: this process is the
/// client; the servers are this program's <c>serve</c> mode in two child processes (Kestrel, h2c), one
/// with the batch read path and one without (<c>--standard-read</c>), so that both are measured in the
/// same run. New paths = a channel from <see cref="RouteGuideChannel.ForAddress(Uri, Action{GrpcChannelOptions}?)"/>
/// (bulk writes) to the batch-read server; standard paths = the same channel with bulk writes refused
/// (the coalescing fast path alone) to the per-message server; stock = a plain
/// <see cref="GrpcChannel.ForAddress(Uri)"/>, where Grpc.Net.Client flushes every message, to either
/// server. Every method declares its points through <c>OperationsPerInvoke</c>, so each time is per
/// point; points/s = 1e9 / ns. Every call checks that the server counted exactly the points sent.
/// </summary>
/// <remarks>
/// Runs in process (the child servers are found next to this assembly), a monitoring run strategy with
/// few iterations: one invocation of a stock call takes seconds.
/// </remarks>
[Config(typeof(Configuration))]
[MemoryDiagnoser]
public class RecordRouteThroughputBenchmarks
{
    public const int OneCallPoints = 1_000_000;
    public const int StockCallPoints = 250_000;
    public const int Concurrent = 8;
    public const int ConcurrentCallPoints = 250_000;

    private ServerProcess _batchServer = null!;
    private ServerProcess _standardServer = null!;
    private GrpcChannel[] _channels = [];
    private RouteGuideClient _new = null!;
    private RouteGuideClient _standard = null!;
    private RouteGuideClient _stockToBatch = null!;
    private RouteGuideClient _stockToStandard = null!;
    private Point[] _points = [];

    [GlobalSetup]
    public void Setup()
    {
        _batchServer = ServerProcess.Start();
        _standardServer = ServerProcess.Start(standardRead: true);
        _channels =
        [
            RouteGuideChannel.ForAddress(_batchServer.Address),
            RouteGuideChannel.ForAddress(_standardServer.Address, options => ((CoalescingHandler)options.HttpHandler!).RefuseBulkWrites()),
            GrpcChannel.ForAddress(_batchServer.Address),
            GrpcChannel.ForAddress(_standardServer.Address),
        ];
        _new = _channels[0].CreateRouteGuideClient();
        _standard = _channels[1].CreateRouteGuideClient();
        _stockToBatch = _channels[2].CreateRouteGuideClient();
        _stockToStandard = _channels[3].CreateRouteGuideClient();
        _points = RoutePoints.Create(OneCallPoints);

        // Connect every channel and warm both servers before the first measured call.
        foreach (var client in new[] { _new, _standard, _stockToBatch, _stockToStandard })
        {
            RoutePoints.CheckCount(client.RecordRouteAsync(_points.AsSpan(0, 10_000).ToArray()).GetAwaiter().GetResult(), 10_000, "warm-up");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _batchServer.Dispose();
        _standardServer.Dispose();
    }

    /// <summary>One call of 1,000,000 points: bulk writes to the batch read path.</summary>
    [Benchmark(OperationsPerInvoke = OneCallPoints)]
    public async Task NewPathsOneCall() =>
        RoutePoints.CheckCount(await _new.RecordRouteAsync(_points).ConfigureAwait(false), OneCallPoints, nameof(NewPathsOneCall));

    /// <summary>One call of 1,000,000 points: coalesced per-message writes to the per-message reader (both new paths off).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = OneCallPoints)]
    public async Task StandardPathsOneCall() =>
        RoutePoints.CheckCount(await _standard.RecordRouteAsync(_points).ConfigureAwait(false), OneCallPoints, nameof(StandardPathsOneCall));

    /// <summary>Eight concurrent calls of 250,000 points each on one new-paths channel: aggregate per point.</summary>
    [Benchmark(OperationsPerInvoke = Concurrent * ConcurrentCallPoints)]
    public async Task NewPathsEightConcurrentCalls()
    {
        var calls = new Task<RouteSummary>[Concurrent];
        for (var i = 0; i < calls.Length; i++)
        {
            var slice = new ArraySegment<Point>(_points, i * ConcurrentCallPoints % (OneCallPoints - ConcurrentCallPoints + 1), ConcurrentCallPoints);
            calls[i] = _new.RecordRouteAsync(slice);
        }

        foreach (var summary in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            RoutePoints.CheckCount(summary, ConcurrentCallPoints, nameof(NewPathsEightConcurrentCalls));
        }
    }

    /// <summary>One call of 250,000 points from a stock client (one DATA frame per message) to the batch read path.</summary>
    [Benchmark(OperationsPerInvoke = StockCallPoints)]
    public async Task StockClientBatchRead() =>
        RoutePoints.CheckCount(await _stockToBatch.RecordRouteAsync(new ArraySegment<Point>(_points, 0, StockCallPoints)).ConfigureAwait(false), StockCallPoints, nameof(StockClientBatchRead));

    /// <summary>One call of 250,000 points from a stock client to the per-message reader.</summary>
    [Benchmark(OperationsPerInvoke = StockCallPoints)]
    public async Task StockClientStandardRead() =>
        RoutePoints.CheckCount(await _stockToStandard.RecordRouteAsync(new ArraySegment<Point>(_points, 0, StockCallPoints)).ConfigureAwait(false), StockCallPoints, nameof(StockClientStandardRead));

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
