using System.Globalization;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// Catalog files at scale. The small hostile files (empty, invalid UTF-8, duplicate locations,
/// out-of-range coordinates, missing fields) are in <see cref="Statistics.FeatureCatalogTests"/>.
/// </summary>
[Category("Long")]
public class CatalogFileTests
{
    private const int Features = 1_000_000;

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("routeguide-reliability-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void A_file_of_a_million_features_loads_and_finds_each_one_exactly()
    {
        var path = Path.Combine(_directory, "million.json");
        WriteCatalog(path, Features, badLast: null);
        TestContext.Out.WriteLine($"{new FileInfo(path).Length:N0} bytes");

        var catalog = FeatureCatalog.Load(path);

        catalog.Count.Should().Be(Features);
        int found = 0, misses = 0, wrong = 0;
        for (var i = 0; i < Features; i++)
        {
            var location = Location(i);
            found += catalog.TryGetFeature(location, out var feature) ? 1 : 0;
            wrong += feature?.Name == Name(i) && catalog.Features[i].Location == location ? 0 : 1;
            misses += catalog.TryGetFeature(new GeoPoint(location.Latitude, location.Longitude + 1), out _) ? 0 : 1;
        }

        found.Should().Be(Features, "every feature is found at its location");
        wrong.Should().Be(0, "each is the right feature, in file order");
        misses.Should().Be(Features, "only exact locations match");
    }

    [TestCase("duplicate", "*entry 999999: location (latitude 0, longitude 0) is already taken by entry 0.")]
    [TestCase("out of range", "*entry 999999: latitude is out of range (latitude 900000001*")]
    public void A_bad_last_entry_in_a_million_is_named_with_the_file(string bad, string message)
    {
        var path = Path.Combine(_directory, "million-bad.json");
        WriteCatalog(path, Features, bad);

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>()
            .Where(e => e.SourceName == path && e.EntryIndex == Features - 1)
            .WithMessage($"Feature catalog {path}: {message}");
    }

    /// <summary>
    /// Distinct locations on a grid 2 E7 units apart (so location + 1 is never a feature). A grid is the
    /// hard case for hashing: latitude XOR longitude, a <see langword="long"/> key's default hash, takes
    /// only about 2,000 values here.
    /// </summary>
    private static GeoPoint Location(int i) => new((i / 1_000) * 2, (i % 1_000) * 2);

    private static string Name(int i) => i % 10 == 0 ? string.Empty : $"Feature {i}, Somewhere \"quoted\" é";

    private static void WriteCatalog(string path, int count, string? badLast)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        writer.Write('[');
        for (var i = 0; i < count; i++)
        {
            var location = (i, badLast) switch
            {
                (Features - 1, "duplicate") => (Latitude: 0, Longitude: 0),
                (Features - 1, "out of range") => (Latitude: 900_000_001, Longitude: 0),
                _ => (Location(i).Latitude, Location(i).Longitude),
            };
            writer.Write(i == 0 ? "\n" : ",\n");
            writer.Write(string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"location":{"latitude":{{location.Latitude}},"longitude":{{location.Longitude}}},"name":"{{Name(i).Replace("\"", "\\\"", StringComparison.Ordinal)}}"}"""));
        }

        writer.Write("\n]\n");
    }
}
