using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Statistics;

public class GeoPointTests
{
    [TestCase(GeoPoint.MaxLatitude, GeoPoint.MaxLongitude)]
    [TestCase(GeoPoint.MinLatitude, GeoPoint.MinLongitude)]
    [TestCase(0, 0)]
    [TestCase(407838351, -746143763)]
    public void Accepts_every_value_within_the_inclusive_ranges(int latitude, int longitude)
    {
        var point = new GeoPoint(latitude, longitude);

        point.Latitude.Should().Be(latitude);
        point.Longitude.Should().Be(longitude);
        GeoPoint.IsValid(latitude, longitude).Should().BeTrue();
    }

    [TestCase(GeoPoint.MaxLatitude + 1, 0, "latitude")]
    [TestCase(GeoPoint.MinLatitude - 1, 0, "latitude")]
    [TestCase(0, GeoPoint.MaxLongitude + 1, "longitude")]
    [TestCase(0, GeoPoint.MinLongitude - 1, "longitude")]
    [TestCase(int.MinValue, int.MaxValue, "latitude")]
    public void Rejects_values_outside_the_ranges_naming_the_coordinate_and_both_values(int latitude, int longitude, string parameter)
    {
        var create = () => new GeoPoint(latitude, longitude);

        create.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == parameter)
            .WithMessage($"*latitude {latitude}, longitude {longitude}*");
        GeoPoint.IsValid(latitude, longitude).Should().BeFalse();
        GeoPoint.TryCreate(latitude, longitude, out var point).Should().BeFalse();
        point.Should().Be(default(GeoPoint));
    }

    [Test]
    public void Converts_between_E7_units_and_degrees()
    {
        var point = GeoPoint.FromDegrees(40.7838351, -74.6143763);

        point.Should().Be(new GeoPoint(407838351, -746143763));
        point.LatitudeDegrees.Should().BeApproximately(40.7838351, 1e-12);
        point.LongitudeDegrees.Should().BeApproximately(-74.6143763, 1e-12);
        GeoPoint.FromDegrees(-90, 180).Should().Be(new GeoPoint(GeoPoint.MinLatitude, GeoPoint.MaxLongitude));
    }

    [TestCase(90.0000001, 0)]
    [TestCase(0, -180.0000001)]
    [TestCase(double.NaN, 0)]
    [TestCase(0, double.PositiveInfinity)]
    public void Rejects_degrees_out_of_range_or_not_finite(double latitude, double longitude)
    {
        var create = () => GeoPoint.FromDegrees(latitude, longitude);

        create.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Equality_is_exact_on_both_coordinates_and_the_text_shows_E7_values()
    {
        var a = new GeoPoint(1, 2);

        (a == new GeoPoint(1, 2)).Should().BeTrue();
        (a != new GeoPoint(1, 3)).Should().BeTrue();
        a.GetHashCode().Should().Be(new GeoPoint(1, 2).GetHashCode());
        a.ToString().Should().Be("(latitude 1, longitude 2)");
    }
}
