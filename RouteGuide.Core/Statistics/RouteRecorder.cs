using System.Diagnostics.CodeAnalysis;

namespace RouteGuide.Core.Statistics;

/// <summary>The standard <see cref="IRouteRecorder"/>, with O(1) time and memory per point.</summary>
/// <remarks>
/// For each point it checks the range, counts the point, counts a feature when the catalog has one at
/// exactly that location, and adds the haversine distance from the previous point. Nothing is buffered.
/// </remarks>
public sealed class RouteRecorder : IRouteRecorder
{
    private readonly IFeatureLookup _features;
    private readonly TimeProvider _timeProvider;
    private readonly long _startTimestamp;
    private readonly bool _namedOnly;

    private long _pointCount;
    private long _featureCount;
    private double _distanceMetres;
    private RadianPoint _previous;

    /// <summary>Starts recording a route: the route's clock starts now.</summary>
    /// <param name="features">The features to count; shared, never modified.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="options">Options; <see cref="RouteRecorderOptions.Default"/> when <see langword="null"/>.</param>
    public RouteRecorder(IFeatureLookup features, TimeProvider? timeProvider = null, RouteRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        _features = features;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _namedOnly = (options ?? RouteRecorderOptions.Default).FeatureCounting == FeatureCounting.NamedOnly;
        _startTimestamp = _timeProvider.GetTimestamp();
    }

    /// <inheritdoc />
    public long PointCount => _pointCount;

    /// <inheritdoc />
    public void Record(int latitude, int longitude)
    {
        if (!GeoPoint.IsValid(latitude, longitude))
        {
            ThrowOutOfRange(latitude, longitude);
        }

        var point = new GeoPoint(latitude, longitude);
        if (_features.TryGetFeature(point, out var feature) && (!_namedOnly || feature.IsNamed))
        {
            _featureCount++;
        }

        var current = RadianPoint.From(point);
        if (_pointCount > 0)
        {
            _distanceMetres += _previous.DistanceMetresTo(current);
        }

        _previous = current;
        _pointCount++;
    }

    // Out of line, so that building the message costs Record nothing while points are valid.
    // No parameter name: the message names the point, both values and the ranges, and is meant to be
    // passed on as it is (the gRPC adapter sends it to the client).
    [DoesNotReturn]
    private void ThrowOutOfRange(int latitude, int longitude) =>
        throw new ArgumentOutOfRangeException(
            paramName: null,
            $"Point {_pointCount} of the route (zero-based index): {GeoPoint.DescribeRangeError(latitude, longitude)}");

    /// <inheritdoc />
    public RouteStatistics GetStatistics()
    {
        var elapsed = _timeProvider.GetElapsedTime(_startTimestamp);
        return new RouteStatistics(_pointCount, _featureCount, _distanceMetres, elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed);
    }
}
