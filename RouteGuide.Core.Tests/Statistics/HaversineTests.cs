using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Statistics;

public class HaversineTests
{
    // Expected values were computed with an independent implementation (Python's math module, and
    // cross-checked against the Vincenty form of the great-circle formula on the same sphere), and
    // agree with published figures for R = 6,371 km:
    // - Land's End to John o' Groats: 968.9 km (the worked example of the Movable Type haversine page).
    // - Nashville (BNA) to Los Angeles (LAX): 2887.2599506071106 km at R = 6372.8 km (Rosetta Code's
    //   haversine task), which is 2886444.4428379834 m scaled to R = 6371 km.
    private static readonly object[] CityPairs =
    [
        new object[] { "Land's End to John o' Groats", 500663889, -57147222, 586438889, -30700000, 968853.5464535092 },
        new object[] { "Nashville to Los Angeles", 361200000, -866700000, 339400000, -1184000000, 2886444.4428379834 },
        new object[] { "Big Ben, London to the Eiffel Tower, Paris", 515007292, -1246254, 488583701, 22944813, 340544.8298134919 },
        new object[] { "Sydney Opera House to the Statue of Liberty", -338567844, 1512152967, 406892494, -740445004, 15984279.638681605 },
    ];

    [TestCaseSource(nameof(CityPairs))]
    public void Matches_independently_computed_city_distances(string pair, int lat1, int lon1, int lat2, int lon2, double expectedMetres)
    {
        var distance = Haversine.DistanceMetres(new GeoPoint(lat1, lon1), new GeoPoint(lat2, lon2));

        distance.Should().BeApproximately(expectedMetres, 1e-6, pair);
    }

    [Test]
    public void Agrees_with_the_published_Lands_End_to_John_o_Groats_figure()
    {
        var distance = Haversine.DistanceMetres(new GeoPoint(500663889, -57147222), new GeoPoint(586438889, -30700000));

        (distance / 1000).Should().BeApproximately(968.9, 0.05);
    }

    [Test]
    public void Is_zero_for_identical_points()
    {
        var point = new GeoPoint(407838351, -746143763);

        Haversine.DistanceMetres(point, point).Should().Be(0);
    }

    [Test]
    public void Is_half_the_circumference_for_antipodes()
    {
        Haversine.DistanceMetres(new GeoPoint(0, 0), new GeoPoint(0, GeoPoint.MaxLongitude))
            .Should().BeApproximately(Math.PI * Haversine.EarthRadiusMetres, 1e-6);
        Haversine.DistanceMetres(new GeoPoint(GeoPoint.MaxLatitude, 0), new GeoPoint(GeoPoint.MinLatitude, 0))
            .Should().BeApproximately(Math.PI * Haversine.EarthRadiusMetres, 1e-6);
        Haversine.DistanceMetres(new GeoPoint(453000000, -1200000000), new GeoPoint(-453000000, 600000000))
            .Should().BeApproximately(Haversine.MaxDistanceMetres, 1e-6);
    }

    [Test]
    public void Has_no_NaN_at_the_poles_and_takes_the_short_way_across_the_antimeridian()
    {
        var northPole = new GeoPoint(GeoPoint.MaxLatitude, 0);

        // Every longitude is the same place at a pole.
        Haversine.DistanceMetres(northPole, new GeoPoint(GeoPoint.MaxLatitude, 1_234_567_890)).Should().BeApproximately(0, 1e-6);
        Haversine.DistanceMetres(northPole, new GeoPoint(GeoPoint.MinLatitude, GeoPoint.MinLongitude)).Should().NotBe(double.NaN);

        // 179.9999 E to 179.9999 W is 0.0002 degrees of longitude at the equator, not 359.9998.
        var across = Haversine.DistanceMetres(new GeoPoint(0, 1_799_999_000), new GeoPoint(0, -1_799_999_000));
        across.Should().BeApproximately(0.0002 * Math.PI / 180 * Haversine.EarthRadiusMetres, 1e-6);
    }

    [Test]
    public void Is_symmetric_bounded_and_obeys_the_triangle_inequality_for_random_points()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 20_000; i++)
        {
            var a = RandomPoint(random);
            var b = RandomPoint(random);
            var c = RandomPoint(random);
            var ab = Haversine.DistanceMetres(a, b);
            var bc = Haversine.DistanceMetres(b, c);
            var ac = Haversine.DistanceMetres(a, c);

            ab.Should().Be(Haversine.DistanceMetres(b, a), "distance is symmetric for {0} and {1}", a, b);
            ab.Should().BeInRange(0, Haversine.MaxDistanceMetres + 1e-6, "{0} to {1}", a, b);
            ac.Should().BeLessThanOrEqualTo(ab + bc + 1e-6, "the triangle inequality holds for {0}, {1}, {2}", a, b, c);
        }
    }

    [Test]
    public void Is_the_reference_servers_atan2_form_to_within_a_few_units_in_the_last_place_for_random_and_nearly_antipodal_points()
    {
        // The reference servers take the central angle as 2·atan2(√a, √(1−a)); Haversine takes the same
        // angle from asin (see its remarks). Random pairs cover every leg length; nearly antipodal pairs
        // (within about 1 km of each other's antipode) are where asin(√a) alone would lose precision.
        // Seen here: at most 3.7e-9 m (one unit in the last place of 20,000 km); allowed: 5e-8 m, room
        // for another platform's libm.
        var random = new Random(20261130);
        for (var i = 0; i < 100_000; i++)
        {
            var from = RandomPoint(random);
            var to = i % 2 == 0
                ? RandomPoint(random)
                : new GeoPoint(
                    Math.Clamp(-from.Latitude + random.Next(-10_000, 10_001), GeoPoint.MinLatitude, GeoPoint.MaxLatitude),
                    Math.Clamp(from.Longitude + (from.Longitude > 0 ? -1 : 1) * 1_800_000_000 + random.Next(-10_000, 10_001), GeoPoint.MinLongitude, GeoPoint.MaxLongitude));

            Haversine.DistanceMetres(from, to).Should().BeApproximately(ReferenceForm(from, to), 5e-8, "{0} to {1}", from, to);
        }
    }

    /// <summary>The Go reference server's calcDistance, without its rounding to whole metres.</summary>
    private static double ReferenceForm(GeoPoint from, GeoPoint to)
    {
        const double Radians = Math.PI / 180 / 1e7;
        double lat1 = from.Latitude * Radians, lat2 = to.Latitude * Radians;
        double lon1 = from.Longitude * Radians, lon2 = to.Longitude * Radians;
        var a = (Math.Sin((lat2 - lat1) / 2) * Math.Sin((lat2 - lat1) / 2))
            + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin((lon2 - lon1) / 2) * Math.Sin((lon2 - lon1) / 2));
        a = Math.Min(a, 1);
        return 2 * Haversine.EarthRadiusMetres * Math.Atan2(Math.Sqrt(a), Math.Sqrt(1 - a));
    }

    internal static GeoPoint RandomPoint(Random random) =>
        new(random.Next(GeoPoint.MinLatitude, GeoPoint.MaxLatitude + 1), random.Next(GeoPoint.MinLongitude, GeoPoint.MaxLongitude + 1));
}
