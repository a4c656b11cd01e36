namespace RouteGuide.Core.Statistics;

/// <summary>Starts a <see cref="RouteRecorder"/> per route over a shared catalog, clock and options.</summary>
public sealed class RouteRecorderFactory : IRouteRecorderFactory
{
    private readonly IFeatureLookup _features;
    private readonly TimeProvider _timeProvider;
    private readonly RouteRecorderOptions _options;

    /// <summary>Creates the factory.</summary>
    /// <param name="features">The features every route counts.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="options">Options; <see cref="RouteRecorderOptions.Default"/> when <see langword="null"/>.</param>
    public RouteRecorderFactory(IFeatureLookup features, TimeProvider? timeProvider = null, RouteRecorderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        _features = features;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _options = options ?? RouteRecorderOptions.Default;
    }

    /// <inheritdoc />
    public IRouteRecorder StartRoute() => new RouteRecorder(_features, _timeProvider, _options);
}
