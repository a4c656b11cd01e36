namespace RouteGuide.Core.Statistics;

/// <summary>Starts a new <see cref="IRouteRecorder"/> for each route.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IRouteRecorderFactory
{
    /// <summary>Starts recording a new route: the route's clock starts now.</summary>
    /// <returns>A recorder for this route only.</returns>
    IRouteRecorder StartRoute();
}
