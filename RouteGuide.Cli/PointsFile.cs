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
    private const string Expected = "expected a JSON array of {\"latitude\":..,\"longitude\":..} objects in E7 units";

    /// <summary>Loads the points, checking that each one is a valid location.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The points, in order; at least one.</returns>
    public static Point[] Load(string path)
    {
        List<PointJson?>? entries;
        try
        {
            using var stream = File.OpenRead(path);
            entries = JsonSerializer.Deserialize(stream, CliJsonContext.Default.ListPointJson);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CommandException.Input($"cannot read the points file {path}: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw CommandException.Input(DescribeJsonError(path, e), e);
        }
        catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
        {
            throw CommandException.Input($"points file {path}: invalid JSON: {e.Message}", e);
        }

        if (entries is null)
        {
            throw CommandException.Input($"points file {path}: the JSON is null; {Expected}.");
        }

        if (entries.Count == 0)
        {
            throw CommandException.Input($"points file {path}: the array is empty; a route needs at least one point.");
        }

        var points = new Point[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw CommandException.Input($"points file {path}: entry {i} is null; {Expected}.");
            if (!GeoPoint.IsValid(entry.Latitude, entry.Longitude))
            {
                throw CommandException.Input($"points file {path}: entry {i}: {GeoPoint.DescribeRangeError(entry.Latitude, entry.Longitude)}");
            }

            points[i] = new Point { Latitude = entry.Latitude, Longitude = entry.Longitude };
        }

        return points;
    }

    private static string DescribeJsonError(string path, JsonException e)
    {
        var where = e.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})")
            : string.Empty;
        var entry = EntryIndexOf(e.Path) is { } index ? string.Create(CultureInfo.InvariantCulture, $"entry {index}: ") : string.Empty;
        var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? string.Empty : $" at {e.Path}";
        return $"points file {path}{where}: {entry}invalid JSON{at}: {WithoutPosition(e.Message)} ({Expected}).";
    }

    private static string WithoutPosition(string message)
    {
        // System.Text.Json appends " Path: ... | LineNumber: ... | BytePositionInLine: ..."; the position is reported separately.
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (cut < 0 ? message : message[..cut]).TrimEnd('.');
    }

    private static int? EntryIndexOf(string? jsonPath)
    {
        // Paths look like "$[17].latitude".
        if (jsonPath is null || !jsonPath.StartsWith("$[", StringComparison.Ordinal))
        {
            return null;
        }

        var end = jsonPath.IndexOf(']', StringComparison.Ordinal);
        return end > 2 && int.TryParse(jsonPath.AsSpan(2, end - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;
    }
}
