using RouteGuide.Core.Notes;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>Conversions between the generated protocol messages and the statistics types.</summary>
internal static class ProtocolConversions
{
    public static Point ToPoint(this GeoPoint point) => new() { Latitude = point.Latitude, Longitude = point.Longitude };

    public static Feature ToFeature(this CatalogFeature feature) => new() { Name = feature.Name, Location = feature.Location.ToPoint() };

    public static RouteNote ToRouteNote(this LocationNote note) => new() { Location = note.Location.ToPoint(), Message = note.Message };

    /// <summary>
    /// The wire's summary of <paramref name="statistics"/>: each value as an int32 saturated at
    /// <see cref="int.MaxValue"/> instead of wrapping; the distance is the total rounded down to whole
    /// metres (the Go reference server truncates every segment instead, so it reports up to one metre per
    /// segment less) and the elapsed time is rounded down to whole seconds.
    /// </summary>
    public static RouteSummary ToSummary(this RouteStatistics statistics) => new()
    {
        PointCount = Saturate(statistics.PointCount),
        FeatureCount = Saturate(statistics.FeatureCount),
        Distance = statistics.DistanceMetres >= int.MaxValue ? int.MaxValue : (int)Math.Floor(statistics.DistanceMetres),
        ElapsedTime = Saturate(statistics.Elapsed.Ticks / TimeSpan.TicksPerSecond),
    };

    private static int Saturate(long value) => value >= int.MaxValue ? int.MaxValue : (int)value;

    /// <summary>Converts a point from the wire, or explains which field is wrong.</summary>
    public static bool TryToGeoPoint(Point? point, string what, out GeoPoint result, out string problem)
    {
        if (point is null)
        {
            result = default;
            problem = $"{what} is missing.";
            return false;
        }

        if (!GeoPoint.TryCreate(point.Latitude, point.Longitude, out result))
        {
            problem = $"{what}: {GeoPoint.DescribeRangeError(point.Latitude, point.Longitude)}";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
