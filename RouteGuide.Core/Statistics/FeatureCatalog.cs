using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace RouteGuide.Core.Statistics;

/// <summary>An immutable set of features, each at a distinct location, with O(1) exact-location lookup.</summary>
/// <remarks>
/// Safe to share between any number of threads and calls. Load one from a file in the
/// <c>route_guide_db.json</c> format used by every RouteGuide example (<see cref="Load(string)"/>),
/// from a stream (<see cref="Load(Stream, string)"/>), from features you already have (the
/// constructor), or use <see cref="Default"/>, a small set of world landmarks embedded in this
/// assembly. Lookups of locations that hold no feature are answered by a compact bit filter (eight bits
/// per feature, a single hash) before the table is touched, so routes over a catalog of millions of
/// features stay fast.
/// </remarks>
public sealed class FeatureCatalog : IFeatureLookup
{
    private const string DefaultResourceName = "RouteGuide.Core.DefaultCatalog.json";

    /// <summary>The catalog format, for messages about a file that does not follow it.</summary>
    private static readonly JsonProblem.Shape CatalogShape = new(
        "an array of features such as [{\"location\":{\"latitude\":407838351,\"longitude\":-746143763},\"name\":\"Patriots Path\"}]",
        "a feature, an object such as {\"location\":{\"latitude\":407838351,\"longitude\":-746143763},\"name\":\"Patriots Path\"}",
        new Dictionary<string, string>
        {
            ["location"] = "an object such as {\"latitude\":407838351,\"longitude\":-746143763}",
            ["name"] = "a string (\"\" for an unnamed place)",
        });
    private static readonly Lazy<FeatureCatalog> DefaultCatalog = new(LoadDefault);

    private readonly CatalogFeature[] _features;
    // Keyed by GeoPoint.ScrambledKey: see there for why.
    private readonly FrozenDictionary<long, CatalogFeature> _byLocation;
    private readonly CatalogFeature[] _byLatitude;
    private readonly int[] _sortedLatitudes;
    private readonly ulong[] _filter;
    private readonly int _filterShift;

    /// <summary>Creates a catalog of the given features.</summary>
    /// <param name="features">The features; no two may share a location.</param>
    /// <exception cref="ArgumentNullException"><paramref name="features"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two features share a location; the message names both indexes.</exception>
    public FeatureCatalog(IEnumerable<CatalogFeature> features)
        : this(Validate(features))
    {
    }

    private FeatureCatalog(CatalogFeature[] features)
    {
        _features = features;
        _byLocation = features.ToFrozenDictionary(f => f.Location.ScrambledKey);
        _byLatitude = [.. features.OrderBy(f => f.Location.Latitude).ThenBy(f => f.Location.Longitude)];
        _sortedLatitudes = Array.ConvertAll(_byLatitude, f => f.Location.Latitude);

        // A one-hash bit filter with eight bits per feature: about 12% of misses fall through to the table.
        var bits = Math.Max(64, (int)Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, features.Length) * 8u)));
        _filter = new ulong[bits / 64];
        _filterShift = 64 - BitOperations.Log2((uint)bits);
        foreach (var feature in features)
        {
            var bit = FilterBit(feature.Location.ScrambledKey);
            _filter[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>A catalog with no features.</summary>
    public static FeatureCatalog Empty { get; } = new(Array.Empty<CatalogFeature>());

    /// <summary>
    /// A small catalog embedded in this assembly: a few dozen well-known landmarks around the world,
    /// plus a few unnamed places, so that everything runs without a file.
    /// </summary>
    public static FeatureCatalog Default => DefaultCatalog.Value;

    /// <summary>The number of features.</summary>
    public int Count => _features.Length;

    /// <summary>Every feature, in the order it was given or loaded.</summary>
    public IReadOnlyList<CatalogFeature> Features => _features;

    /// <summary>Loads a catalog from a file in the <c>route_guide_db.json</c> format.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="FeatureCatalogException">
    /// The file cannot be read, is not valid JSON (including invalid UTF-8), is not an array of
    /// entries, or has an entry with a missing field, an out-of-range coordinate or a location that an
    /// earlier entry already has. The message names the file, the entry index and the problem.
    /// </exception>
    public static FeatureCatalog Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new FeatureCatalogException(path, null, "is a directory, not a file; give the path of a route_guide_db.json file.");
        }

        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new FeatureCatalogException(path, null, $"cannot be read: {e.Message}", innerException: e);
        }

        using (stream)
        {
            return Load(stream, path);
        }
    }

    /// <summary>Loads a catalog from UTF-8 JSON in the <c>route_guide_db.json</c> format.</summary>
    /// <param name="utf8Json">The JSON: an array of <c>{"location":{"latitude":..,"longitude":..},"name":".."}</c>.</param>
    /// <param name="sourceName">A name for the source, such as a file path, used in error messages.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="FeatureCatalogException">The JSON is malformed or an entry is invalid (see <see cref="Load(string)"/>).</exception>
    public static FeatureCatalog Load(Stream utf8Json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        ArgumentNullException.ThrowIfNull(sourceName);

        var start = utf8Json.CanSeek ? utf8Json.Position : 0;
        List<CatalogEntryJson>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(utf8Json, CatalogJsonContext.Default.ListCatalogEntryJson);
        }
        catch (JsonException e)
        {
            var finding = JsonProblem.Describe(e, ReadAgain(utf8Json, start), CatalogShape);
            throw finding.HasPosition
                ? new FeatureCatalogException(sourceName, finding.Entry, finding.Problem + ".", e.LineNumber, e.BytePositionInLine, e)
                : new FeatureCatalogException(sourceName, finding.Entry, finding.Problem + ".", innerException: e);
        }
        catch (Exception e) when (e is InvalidOperationException or DecoderFallbackException)
        {
            // System.Text.Json reports some encoding errors (such as invalid UTF-8 inside a string) this way.
            throw new FeatureCatalogException(sourceName, null, $"invalid JSON: {e.Message}", innerException: e);
        }

        if (entries is null)
        {
            throw new FeatureCatalogException(sourceName, null, $"expected {CatalogShape.Array}, found null.");
        }

        var features = new CatalogFeature[entries.Count];
        var firstIndexAt = new Dictionary<long, int>(entries.Count); // By GeoPoint.ScrambledKey.
        for (var i = 0; i < entries.Count; i++)
        {
            // The array may hold JSON nulls even though the element type is not annotated as nullable.
            var entry = (CatalogEntryJson?)entries[i] ?? throw new FeatureCatalogException(sourceName, i, "the entry is null; expected an object with \"location\" and \"name\".");
            var location = entry.Location ?? throw new FeatureCatalogException(sourceName, i, "\"location\" is null.");
            var name = entry.Name ?? throw new FeatureCatalogException(sourceName, i, "\"name\" is null; use \"\" for an unnamed place.");
            if (!GeoPoint.IsValid(location.Latitude, location.Longitude))
            {
                throw new FeatureCatalogException(sourceName, i, GeoPoint.DescribeRangeError(location.Latitude, location.Longitude));
            }

            var point = new GeoPoint(location.Latitude, location.Longitude);
            if (!firstIndexAt.TryAdd(point.ScrambledKey, i))
            {
                throw new FeatureCatalogException(sourceName, i, $"location {point} is already taken by entry {firstIndexAt[point.ScrambledKey]}.");
            }

            features[i] = new CatalogFeature(name, point);
        }

        return new FeatureCatalog(features);
    }

    /// <inheritdoc />
    public bool TryGetFeature(GeoPoint location, [MaybeNullWhen(false)] out CatalogFeature feature)
    {
        var key = location.ScrambledKey;
        var bit = FilterBit(key);
        if ((_filter[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
        {
            feature = null;
            return false;
        }

        return _byLocation.TryGetValue(key, out feature);
    }

    /// <inheritdoc />
    public IEnumerable<CatalogFeature> GetFeaturesWithin(GeoPoint corner, GeoPoint oppositeCorner)
    {
        var minLatitude = Math.Min(corner.Latitude, oppositeCorner.Latitude);
        var maxLatitude = Math.Max(corner.Latitude, oppositeCorner.Latitude);
        var minLongitude = Math.Min(corner.Longitude, oppositeCorner.Longitude);
        var maxLongitude = Math.Max(corner.Longitude, oppositeCorner.Longitude);
        return Within(LowerBound(_sortedLatitudes, minLatitude), maxLatitude, minLongitude, maxLongitude);
    }

    private IEnumerable<CatalogFeature> Within(int start, int maxLatitude, int minLongitude, int maxLongitude)
    {
        for (var i = start; i < _byLatitude.Length && _sortedLatitudes[i] <= maxLatitude; i++)
        {
            var longitude = _byLatitude[i].Location.Longitude;
            if (longitude >= minLongitude && longitude <= maxLongitude)
            {
                yield return _byLatitude[i];
            }
        }
    }

    private static int LowerBound(int[] sorted, int value)
    {
        var index = Array.BinarySearch(sorted, value);
        if (index < 0)
        {
            return ~index;
        }

        // BinarySearch finds any equal element; walk back to the first.
        while (index > 0 && sorted[index - 1] == value)
        {
            index--;
        }

        return index;
    }

    /// <summary>The filter bit of a <see cref="GeoPoint.ScrambledKey"/>.</summary>
    private ulong FilterBit(long mixedKey) => unchecked((ulong)mixedKey) >> _filterShift;

    private static CatalogFeature[] Validate(IEnumerable<CatalogFeature> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var array = features.ToArray();
        var firstIndexAt = new Dictionary<long, int>(array.Length); // By GeoPoint.ScrambledKey.
        for (var i = 0; i < array.Length; i++)
        {
            var feature = array[i] ?? throw new ArgumentNullException(nameof(features), $"Feature {i} is null.");
            if (!firstIndexAt.TryAdd(feature.Location.ScrambledKey, i))
            {
                throw new ArgumentException(
                    $"Feature {i} ({feature.Name}) is at {feature.Location}, where feature {firstIndexAt[feature.Location.ScrambledKey]} already is; a location holds at most one feature.",
                    nameof(features));
            }
        }

        return array;
    }

    private static FeatureCatalog LoadDefault()
    {
        using var stream = typeof(FeatureCatalog).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing from {typeof(FeatureCatalog).Assembly.FullName}.");
        return Load(stream, $"embedded resource {DefaultResourceName}");
    }

    /// <summary>The whole of a stream that can be read again from its start (a file), to describe a problem in it; otherwise null.</summary>
    private static byte[]? ReadAgain(Stream stream, long start)
    {
        if (!stream.CanSeek)
        {
            return null;
        }

        try
        {
            stream.Position = start;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
