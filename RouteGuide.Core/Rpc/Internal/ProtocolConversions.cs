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

    public static RouteSummary ToSummary(this RouteStatistics statistics) => new()
    {
        PointCount = statistics.SummaryPointCount,
        FeatureCount = statistics.SummaryFeatureCount,
        Distance = statistics.SummaryDistanceMetres,
        ElapsedTime = statistics.SummaryElapsedSeconds,
    };

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
