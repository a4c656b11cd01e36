using System.Globalization;
using System.Text;
using System.Text.Json;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli;

/// <summary>
/// Loads a route from a JSON file: an array of <c>{"latitude":..,"longitude":..}</c> objects in E7 units
/// (degrees × 10^7, integers). Every problem is a <see cref="CommandException"/> (exit code 2) whose
/// message names the file and, when it is about one entry, the entry's zero-based index.
/// </summary>
internal static class PointsFile
{
    /// <summary>The points format, for messages about a file that does not follow it.</summary>
    private static readonly JsonProblem.Shape PointsShape = new(
        "an array of points such as [{\"latitude\":407838351,\"longitude\":-746143763}]",
        "a point, an object such as {\"latitude\":407838351,\"longitude\":-746143763}",
        new Dictionary<string, string>());

    /// <summary>Loads the points, checking that each one is a valid location.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The points, in order; at least one.</returns>
    public static Point[] Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw CommandException.Input($"the points file {path} is a directory; give the path of a .json file.");
        }

        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CommandException.Input($"cannot read the points file {path}: {e.Message}", e);
        }

        List<PointJson?>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(json, CliJsonContext.Default.ListPointJson);
        }
        catch (JsonException e)
        {
            var finding = JsonProblem.Describe(e, json, PointsShape);
            throw CommandException.Input($"points file {path}{(finding.HasPosition ? Position(e) : string.Empty)}: {Entry(finding.Entry)}{finding.Problem}.", e);
        }
        catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
        {
            throw CommandException.Input($"points file {path}: invalid JSON: {e.Message}", e);
        }

        if (entries is null)
        {
            throw CommandException.Input($"points file {path}: expected {PointsShape.Array}, found null.");
        }

        if (entries.Count == 0)
        {
            throw CommandException.Input($"points file {path}: the array is empty; a route needs at least one point.");
        }

        var points = new Point[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw CommandException.Input($"points file {path}: {Entry(i)}expected {PointsShape.Entry}, found null.");
            if (!GeoPoint.IsValid(entry.Latitude, entry.Longitude))
            {
                throw CommandException.Input($"points file {path}: {Entry(i)}{GeoPoint.DescribeRangeError(entry.Latitude, entry.Longitude)}");
            }

            points[i] = new Point { Latitude = entry.Latitude, Longitude = entry.Longitude };
        }

        return points;
    }

    private static string Position(JsonException e) => e.LineNumber is { } line
        ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})")
        : string.Empty;

    private static string Entry(int? index) => index is { } i ? string.Create(CultureInfo.InvariantCulture, $"entry {i}: ") : string.Empty;
}
