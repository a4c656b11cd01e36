namespace RouteGuide.Core.Statistics;

/// <summary>Records one route, one point at a time, and reports its statistics.</summary>
/// <remarks>
/// This is the seam between the RouteGuide statistics and whatever delivers the points: the gRPC server
/// adapter, a host of your own, or a unit test. One recorder serves one route (one RecordRoute call).
/// The route's clock starts when the recorder is created (<see
/// cref="IRouteRecorderFactory.StartRoute"/>), as the reference server's clock starts when the call
/// begins, not at the first point. A recorder is not thread-safe: one caller feeds it, in route order.
/// </remarks>
public interface IRouteRecorder
{
    /// <summary>The number of points recorded so far; also the zero-based index the next point will have.</summary>
    long PointCount { get; }

    /// <summary>Adds the next point of the route.</summary>
    /// <param name="latitude">Latitude in E7 units (degrees × 10^7), as on the wire.</param>
    /// <param name="longitude">Longitude in E7 units (degrees × 10^7), as on the wire.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The point is out of range. The message names the point's zero-based index in the route and
    /// both values; the statistics recorded so far are unchanged.
    /// </exception>
    void Record(int latitude, int longitude);

    /// <summary>The statistics of the points recorded so far, with the time elapsed until now.</summary>
    /// <returns>The statistics.</returns>
    RouteStatistics GetStatistics();
}
