using System.Text.Json;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>The files peer clients read: points as a JSON array of <c>{"latitude","longitude"}</c> objects.</summary>
internal static class PeerFiles
{
    /// <summary>Writes <paramref name="route"/> to <paramref name="path"/> and returns the path.</summary>
    public static string WritePoints(string path, IEnumerable<Point> route)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartArray();
        foreach (var point in route)
        {
            writer.WriteStartObject();
            writer.WriteNumber("latitude", point.Latitude);
            writer.WriteNumber("longitude", point.Longitude);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        return path;
    }
}
