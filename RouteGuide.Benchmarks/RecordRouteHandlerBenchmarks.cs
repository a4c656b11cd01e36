using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Benchmarks;

/// <summary>
/// The RecordRoute handler's own per-point work, in process, no network: <c>RouteGuideService.RecordRoute</c>
/// over a request body of 1,048,576 framed points (random valid locations, fixed seed; the default
/// 100-feature catalog). <see cref="BatchPath"/> is the batch read path (decode from the body's bytes,
/// then record); <see cref="StandardPath"/> gets each point parsed into a new <see cref="Point"/>, as
/// Grpc.AspNetCore's reader hands them over. Times are per point (<c>OperationsPerInvoke</c>).
/// </summary>
/// <remarks>
/// BenchmarkDotNet's default job, run in process: building a separate benchmark project can take longer
/// than BenchmarkDotNet's two-minute build timeout on a loaded 2-core machine.
/// </remarks>
[Config(typeof(Configuration))]
[MemoryDiagnoser]
public class RecordRouteHandlerBenchmarks
{
    public const int Points = 1 << 20;

    private readonly InProcessCall.NullCallContext _context = new();
    private ReadOnlySequence<byte> _body;
    private RouteGuideService _batch = null!;
    private RouteGuideService _standard = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = InProcessCall.FramedBody(RoutePoints.Create(Points));
        var recorders = new RouteRecorderFactory(FeatureCatalog.Default);
        _batch = new RouteGuideService(FeatureCatalog.Default, recorders) { BatchReaders = InProcessCall.BatchReadersOver(_body) };
        _standard = new RouteGuideService(FeatureCatalog.Default, recorders);
        if (BatchPath() != Points || StandardPath() != Points)
        {
            throw new InvalidOperationException("A path did not count every point.");
        }
    }

    /// <summary>Decode each point from the body's bytes and record it: the batch read path's handler.</summary>
    [Benchmark(OperationsPerInvoke = Points)]
    public int BatchPath() =>
        _batch.RecordRoute(new InProcessCall.ArrayReader([]), _context).GetAwaiter().GetResult().PointCount;

    /// <summary>Parse each point into a new <see cref="Point"/> (as Grpc.AspNetCore does) and record it.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public int StandardPath() =>
        _standard.RecordRoute(new InProcessCall.ParsingReader(_body), _context).GetAwaiter().GetResult().PointCount;

    private sealed class Configuration : ManualConfig
    {
        public Configuration() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
