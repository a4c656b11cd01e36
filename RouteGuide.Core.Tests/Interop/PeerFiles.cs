using System.Text.Json;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// The JSON files peer programs read, in the original example's format: points as
/// <c>{"latitude","longitude"}</c> objects, notes as <c>{"location","message"}</c>, a catalog as
/// <c>{"location","name"}</c>, each file one array.
/// </summary>
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

    /// <summary>Writes <paramref name="notes"/> to <paramref name="path"/> and returns the path.</summary>
    public static string WriteNotes(string path, IEnumerable<RouteNote> notes)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(notes.Select(n => new
        {
            location = new { latitude = n.Location.Latitude, longitude = n.Location.Longitude },
            message = n.Message,
        })));
        return path;
    }

    /// <summary>Writes <paramref name="catalog"/> to <paramref name="path"/> and returns the path.</summary>
    public static string WriteCatalog(string path, FeatureCatalog catalog)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(catalog.Features.Select(f => new
        {
            location = new { latitude = f.Location.Latitude, longitude = f.Location.Longitude },
            name = f.Name,
        })));
        return path;
    }
}
