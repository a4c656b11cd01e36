using BenchmarkDotNet.Attributes;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Benchmarks;

/// <summary>
/// The cost of recording one point of a RecordRoute stream: range check, exact-location feature
/// lookup and haversine distance from the previous point. Every method processes a batch of points
/// and declares it through <c>OperationsPerInvoke</c>, so each reported time is per point.
/// </summary>
/// <remarks>
/// The baseline is the Go reference server's algorithm (a scan of every feature for every point),
/// written here in C# over a plain array so that only the algorithm differs.
/// <see cref="HaversineOnly"/> and <see cref="LookupOnly"/> split <see cref="Record"/> into its parts.
/// </remarks>
[MemoryDiagnoser]
public class RecorderBenchmarks
{
    /// <summary>Points per invocation of the fast methods: the whole pre-generated route.</summary>
    public const int RoutePoints = 1 << 20;

    /// <summary>
    /// Points per invocation of the linear-scan baseline. At 1,000,000 features it costs milliseconds a
    /// point, so it gets a short slice of the route (a different slice each invocation).
    /// </summary>
    public const int BaselinePoints = 256;

    /// <summary>About one point in this many lands exactly on a catalog feature.</summary>
    public const int OneHitIn = 16;

    private CatalogFeature[] _features = [];
    private GeoPoint[] _route = [];
    private RouteRecorderFactory _factory = null!;
    private FeatureCatalog _catalog = null!;
    private int _baselineStart;

    /// <summary>How many features the catalog holds.</summary>
    [Params(100, 1_000_000)]
    public int Features { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _features = SyntheticData.CreateFeatures(Features);
        _catalog = new FeatureCatalog(_features);
        _factory = new RouteRecorderFactory(_catalog);
        _route = SyntheticData.CreateRoute(RoutePoints, _features, OneHitIn);
        _baselineStart = 0;
        CheckBothAlgorithmsAgree();
    }

    /// <summary>RouteGuide.Core: a fresh recorder per route, as the server starts one per call.</summary>
    [Benchmark(OperationsPerInvoke = RoutePoints)]
    public RouteStatistics Record()
    {
        var recorder = _factory.StartRoute();
        foreach (var point in _route)
        {
            recorder.Record(point.Latitude, point.Longitude);
        }

        return recorder.GetStatistics();
    }

    /// <summary>The Go server's algorithm: every feature compared with every point, then the haversine.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = BaselinePoints)]
    public (long FeatureCount, double DistanceMetres) LinearScanBaseline()
    {
        var start = _baselineStart;
        _baselineStart = (start + BaselinePoints) % RoutePoints;
        return LinearScan(_features, _route.AsSpan(start, BaselinePoints));
    }

    /// <summary>The haversine part of <see cref="Record"/> alone: one cosine per point, the previous point carried forward.</summary>
    [Benchmark(OperationsPerInvoke = RoutePoints)]
    public double HaversineOnly()
    {
        var route = _route;
        var previous = RadianPoint.From(route[0]);
        var distance = 0.0;
        for (var i = 1; i < route.Length; i++)
        {
            var current = RadianPoint.From(route[i]);
            distance += previous.DistanceMetresTo(current);
            previous = current;
        }

        return distance;
    }

    /// <summary>The lookup part of <see cref="Record"/> alone: bit filter, then the table on a filter hit.</summary>
    [Benchmark(OperationsPerInvoke = RoutePoints)]
    public long LookupOnly()
    {
        var catalog = _catalog;
        var found = 0L;
        foreach (var point in _route)
        {
            if (catalog.TryGetFeature(point, out _))
            {
                found++;
            }
        }

        return found;
    }

    /// <summary>
    /// The Go reference server's RecordRoute loop: for each point, compare it with every saved feature
    /// (counting each match, no early exit), then add the haversine distance from the previous point.
    /// </summary>
    private static (long FeatureCount, double DistanceMetres) LinearScan(CatalogFeature[] features, ReadOnlySpan<GeoPoint> points)
    {
        var featureCount = 0L;
        var distance = 0.0;
        GeoPoint? previous = null;
        foreach (var point in points)
        {
            foreach (var feature in features)
            {
                if (feature.Location == point)
                {
                    featureCount++;
                }
            }

            if (previous is { } last)
            {
                distance += Haversine.DistanceMetres(last, point);
            }

            previous = point;
        }

        return (featureCount, distance);
    }

    /// <summary>Fails the setup when the two algorithms count a different number of features on a slice of the route.</summary>
    private void CheckBothAlgorithmsAgree()
    {
        const int Points = 64;
        var slice = _route.AsSpan(0, Points);
        var (expectedFeatures, expectedDistance) = LinearScan(_features, slice);
        var recorder = _factory.StartRoute();
        foreach (var point in slice)
        {
            recorder.Record(point.Latitude, point.Longitude);
        }

        var statistics = recorder.GetStatistics();
        if (statistics.FeatureCount != expectedFeatures || Math.Abs(statistics.DistanceMetres - expectedDistance) > 1e-6 * expectedDistance)
        {
            throw new InvalidOperationException(
                $"RouteRecorder counted {statistics.FeatureCount} features and {statistics.DistanceMetres} m; the linear scan {expectedFeatures} and {expectedDistance} m.");
        }
    }
}
