using System.Text;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Statistics;

public class FeatureCatalogTests
{
    private const string TwoFeatures = """
        [{
            "location": { "latitude": 407838351, "longitude": -746143763 },
            "name": "Patriots Path, Mendham, NJ 07945, USA"
        }, {
            "location": { "latitude": 411733222, "longitude": -744228360 },
            "name": ""
        }]
        """;

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("routeguide-catalog-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Loads_the_route_guide_db_format_from_a_file()
    {
        var path = Write("db.json", TwoFeatures);

        var catalog = FeatureCatalog.Load(path);

        catalog.Count.Should().Be(2);
        catalog.Features.Should().Equal(
            new CatalogFeature("Patriots Path, Mendham, NJ 07945, USA", new GeoPoint(407838351, -746143763)),
            new CatalogFeature(string.Empty, new GeoPoint(411733222, -744228360)));
        catalog.Features[1].IsNamed.Should().BeFalse();
    }

    [Test]
    public void Loads_from_a_stream()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(TwoFeatures));

        var catalog = FeatureCatalog.Load(stream, "memory");

        catalog.TryGetFeature(new GeoPoint(407838351, -746143763), out var feature).Should().BeTrue();
        feature!.Name.Should().Be("Patriots Path, Mendham, NJ 07945, USA");
    }

    [Test]
    public void An_empty_array_is_an_empty_catalog()
    {
        FeatureCatalog.Load(Write("empty-array.json", "[]")).Count.Should().Be(0);
    }

    [TestCase("""[{"location":{"latitude":1,"longitude":2}}]""", 0, "*entry 0*name*")]
    [TestCase("""[{"name":"x"}]""", 0, "*entry 0*location*")]
    [TestCase("""[{"location":{"latitude":1,"longitude":2},"name":"a"},{"location":{"latitude":1},"name":"b"}]""", 1, "*entry 1*longitude*")]
    [TestCase("""[{"location":{"longitude":2},"name":"a"}]""", 0, "*entry 0*latitude*")]
    [TestCase("""[{"location":null,"name":"a"}]""", 0, "*entry 0*\"location\" is null*")]
    [TestCase("""[{"location":{"latitude":1,"longitude":2},"name":null}]""", 0, "*entry 0*\"name\" is null*")]
    [TestCase("""[{"location":{"latitude":1,"longitude":2},"name":"a"}, null]""", 1, "*entry 1*null*")]
    public void Rejects_missing_or_null_fields_naming_the_file_and_the_entry(string json, int entry, string message)
    {
        var path = Write("fields.json", json);

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>()
            .Where(e => e.EntryIndex == entry && e.SourceName == path)
            .WithMessage($"*{path}*")
            .WithMessage(message);
    }

    [TestCase(900000001, 0, "*latitude is out of range*900000001*")]
    [TestCase(0, -1800000001, "*longitude is out of range*-1800000001*")]
    public void Rejects_out_of_range_coordinates_naming_the_entry_and_value(int latitude, int longitude, string message)
    {
        var path = Write("range.json", $$"""[{"location":{"latitude":1,"longitude":1},"name":"ok"},{"location":{"latitude":{{latitude}},"longitude":{{longitude}}},"name":"bad"}]""");

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>().Where(e => e.EntryIndex == 1).WithMessage($"*{path}*entry 1*").WithMessage(message);
    }

    [Test]
    public void Rejects_duplicate_locations_naming_both_entries()
    {
        var path = Write("dup.json", """
            [{"location":{"latitude":5,"longitude":6},"name":"first"},
             {"location":{"latitude":7,"longitude":8},"name":"other"},
             {"location":{"latitude":5,"longitude":6},"name":"again"}]
            """);

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>()
            .Where(e => e.EntryIndex == 2)
            .WithMessage("*entry 2*(latitude 5, longitude 6)*already taken by entry 0*");
    }

    [TestCase("", "*: the file is empty; expected an array of features such as [{*")]
    [TestCase(" \n ", "*: the file is empty; expected an array of features*")]
    [TestCase("{\"location\":{}}", "*: expected an array of features such as [{*}], found an object.")]
    [TestCase("42", "*: expected an array of features*, found 42.")]
    [TestCase("[{\"location\":{\"latitude\":1,\n\"longitude\":2},\"name\":\"a\"},\n{\"location\":{\"latitude\":\"north\",\"longitude\":2},\"name\":\"b\"}]", "*line 3*entry 1: location.latitude must be a whole number in E7 units (degrees × 10^7), found the string \"north\".")]
    [TestCase("[\"Paris\"]", "*entry 0: expected a feature, an object such as {\"location\":{*}, found the string \"Paris\".")]
    [TestCase("[{\"location\":[1,2],\"name\":\"a\"}]", "*entry 0: location must be an object such as {\"latitude\":*}, found an array.")]
    [TestCase("[{\"location\":{\"latitude\":1,\"longitude\":2},\"name\":7}]", "*entry 0: name must be a string*, found 7.")]
    [TestCase("[{\"location\":{\"latitude\":1,\"longitude\":true},\"name\":\"a\"}]", "*entry 0: location.longitude must be a whole number*, found true.")]
    [TestCase("[{\"location\":{},\"name\":\"a\"}]", "*entry 0: location.latitude and location.longitude are missing.")]
    [TestCase("[{\"location\":{\"latitude\":1.5,\"longitude\":2},\"name\":\"a\"}]", "*entry 0*latitude*")]
    [TestCase("[{\"location\":{\"latitude\":3000000000,\"longitude\":2},\"name\":\"a\"}]", "*entry 0*latitude*")]
    [TestCase("[{\"location\":{\"latitude\":1,\"longitude\":2},\"name\":\"a\"}", "*invalid JSON*")]
    [TestCase("[{\"location\":{\"latitude\":1,\"longitude\":2},\"name\":\"a\"}] trailing", "*invalid JSON*")]
    [TestCase("null", "*expected an array of features*, found null.")]
    public void Rejects_malformed_JSON_in_the_formats_terms_with_the_position(string json, string message)
    {
        var path = Write("malformed.json", json);

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>().WithMessage($"Feature catalog {path}*").WithMessage(message);
    }

    [Test]
    public void Rejects_invalid_UTF8()
    {
        var path = Path.Combine(_directory, "latin1.json");
        var bytes = Encoding.UTF8.GetBytes("[{\"location\":{\"latitude\":1,\"longitude\":2},\"name\":\"caf_\"}]");
        bytes[Array.IndexOf(bytes, (byte)'_')] = 0xE9; // 'é' in Latin-1: not valid UTF-8 on its own.
        File.WriteAllBytes(path, bytes);

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>().WithMessage($"Feature catalog {path}*invalid JSON*");
    }

    [Test]
    public void Reports_a_missing_file_by_path()
    {
        var path = Path.Combine(_directory, "nope.json");

        var load = () => FeatureCatalog.Load(path);

        load.Should().Throw<FeatureCatalogException>().WithMessage($"Feature catalog {path}: cannot be read*").Where(e => e.SourceName == path);
    }

    [Test]
    public void Finds_features_by_exact_location_only()
    {
        var catalog = FeatureCatalog.Load(Write("db.json", TwoFeatures));

        catalog.TryGetFeature(new GeoPoint(411733222, -744228360), out var unnamed).Should().BeTrue();
        unnamed!.Name.Should().BeEmpty();
        catalog.TryGetFeature(new GeoPoint(411733222, -744228361), out _).Should().BeFalse();
        catalog.TryGetFeature(new GeoPoint(411733223, -744228360), out _).Should().BeFalse();
        FeatureCatalog.Empty.TryGetFeature(default, out _).Should().BeFalse();
    }

    [Test]
    public void Lookups_agree_with_a_hash_set_on_a_large_random_catalog()
    {
        var random = new Random(7);
        var locations = new HashSet<GeoPoint>();
        while (locations.Count < 200_000)
        {
            locations.Add(new GeoPoint(random.Next(-1000, 1000), random.Next(-1000, 1000)));
        }

        var catalog = new FeatureCatalog(locations.Select((p, i) => new CatalogFeature($"f{i}", p)));

        for (var lat = -1000; lat < 1000; lat += 3)
        {
            for (var lon = -1000; lon < 1000; lon++)
            {
                var point = new GeoPoint(lat, lon);
                catalog.TryGetFeature(point, out var feature).Should().Be(locations.Contains(point));
                feature?.Location.Should().Be(point);
            }
        }
    }

    [Test]
    public void Lists_features_within_a_rectangle_with_corners_in_either_order_edges_included()
    {
        var catalog = new FeatureCatalog(
        [
            new CatalogFeature("corner", new GeoPoint(10, 10)),
            new CatalogFeature("inside", new GeoPoint(15, 12)),
            new CatalogFeature("other corner", new GeoPoint(20, 20)),
            new CatalogFeature("north", new GeoPoint(21, 15)),
            new CatalogFeature("west", new GeoPoint(15, 9)),
            new CatalogFeature("same latitude, outside", new GeoPoint(10, 30)),
        ]);

        string[] expected = ["corner", "inside", "other corner"];
        catalog.GetFeaturesWithin(new GeoPoint(10, 10), new GeoPoint(20, 20)).Select(f => f.Name).Should().BeEquivalentTo(expected);
        catalog.GetFeaturesWithin(new GeoPoint(20, 20), new GeoPoint(10, 10)).Select(f => f.Name).Should().BeEquivalentTo(expected);
        catalog.GetFeaturesWithin(new GeoPoint(10, 20), new GeoPoint(20, 10)).Select(f => f.Name).Should().BeEquivalentTo(expected);
        catalog.GetFeaturesWithin(new GeoPoint(30, 30), new GeoPoint(40, 40)).Should().BeEmpty();
    }

    [Test]
    public void The_constructor_rejects_duplicate_locations()
    {
        var create = () => new FeatureCatalog([new CatalogFeature("a", new GeoPoint(1, 1)), new CatalogFeature("b", new GeoPoint(1, 1))]);

        create.Should().Throw<ArgumentException>().WithMessage("Feature 1 (b)*feature 0 already is*");
    }

    [Test]
    public void The_embedded_default_catalog_has_named_landmarks_and_a_few_unnamed_places()
    {
        var catalog = FeatureCatalog.Default;

        catalog.Count.Should().BeGreaterThanOrEqualTo(30);
        catalog.Features.Count(f => !f.IsNamed).Should().BeInRange(1, 5);
        catalog.TryGetFeature(new GeoPoint(488583701, 22944813), out var eiffel).Should().BeTrue();
        eiffel!.Name.Should().StartWith("Eiffel Tower");
        FeatureCatalog.Default.Should().BeSameAs(catalog);
    }

    private string Write(string name, string contents)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, contents);
        return path;
    }
}
