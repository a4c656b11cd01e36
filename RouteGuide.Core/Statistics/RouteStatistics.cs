namespace RouteGuide.Core.Statistics;

/// <summary>The statistics of a route, at full precision: what a RouteGuide server reports in its <c>RouteSummary</c>.</summary>
/// <remarks>
/// The wire's <c>RouteSummary</c> holds 32-bit values: the gRPC adapter saturates them at
/// <see cref="int.MaxValue"/> instead of wrapping to negative numbers.
/// </remarks>
public readonly record struct RouteStatistics
{
    /// <summary>Creates statistics from their parts.</summary>
    /// <param name="pointCount">Points received; zero or more.</param>
    /// <param name="featureCount">Points that landed exactly on a catalog feature; from zero to <paramref name="pointCount"/>.</param>
    /// <param name="distanceMetres">Distance travelled in metres; finite and zero or more.</param>
    /// <param name="elapsed">Time since the route started; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the range given above.</exception>
    public RouteStatistics(long pointCount, long featureCount, double distanceMetres, TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pointCount);
        ArgumentOutOfRangeException.ThrowIfNegative(featureCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(featureCount, pointCount);
        if (!double.IsFinite(distanceMetres) || distanceMetres < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(distanceMetres), distanceMetres, "The distance must be a finite number of metres, zero or more.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        PointCount = pointCount;
        FeatureCount = featureCount;
        DistanceMetres = distanceMetres;
        Elapsed = elapsed;
    }

    /// <summary>The number of points received.</summary>
    public long PointCount { get; }

    /// <summary>The number of points that landed exactly on a catalog feature.</summary>
    /// <remarks>
    /// A feature visited twice counts twice. Whether unnamed features count depends on <see
    /// cref="RouteRecorderOptions.FeatureCounting"/>.
    /// </remarks>
    public long FeatureCount { get; }

    /// <summary>The sum of the haversine distances between consecutive points, in metres, in double precision.</summary>
    public double DistanceMetres { get; }

    /// <summary>The time from the start of the route (the start of the call) until these statistics were taken.</summary>
    public TimeSpan Elapsed { get; }
}
