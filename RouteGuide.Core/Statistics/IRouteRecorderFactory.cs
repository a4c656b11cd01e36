namespace RouteGuide.Core.Statistics;

/// <summary>Starts a new <see cref="IRouteRecorder"/> for each route. Implementations are thread-safe.</summary>
public interface IRouteRecorderFactory
{
    /// <summary>Starts recording a new route: the route's clock starts now.</summary>
    /// <returns>A recorder for this route only.</returns>
    IRouteRecorder StartRoute();
}
