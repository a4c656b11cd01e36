using System.Globalization;

namespace RouteGuide.Core.Statistics;

/// <summary>
/// A position on the earth in E7 form, exactly as RouteGuide puts it on the wire:
/// degrees multiplied by 10^7 and rounded to an integer (so one unit is 1e-7 degrees,
/// about 1.1 cm of latitude).
/// </summary>
/// <remarks>
/// A <see cref="GeoPoint"/> is always valid: its latitude lies in
/// [<see cref="MinLatitude"/>, <see cref="MaxLatitude"/>] and its longitude in
/// [<see cref="MinLongitude"/>, <see cref="MaxLongitude"/>], both inclusive. The default value is
/// latitude 0, longitude 0. Two points are equal when both E7 values are equal; there is no
/// tolerance, which is also how the reference servers match features.
/// </remarks>
public readonly struct GeoPoint : IEquatable<GeoPoint>
{
    /// <summary>The smallest valid latitude in E7 units (90 degrees south).</summary>
    public const int MinLatitude = -900_000_000;

    /// <summary>The largest valid latitude in E7 units (90 degrees north).</summary>
    public const int MaxLatitude = 900_000_000;

    /// <summary>The smallest valid longitude in E7 units (180 degrees west).</summary>
    public const int MinLongitude = -1_800_000_000;

    /// <summary>The largest valid longitude in E7 units (180 degrees east).</summary>
    public const int MaxLongitude = 1_800_000_000;

    /// <summary>E7 units per degree: 10^7.</summary>
    public const double UnitsPerDegree = 1e7;

    /// <summary>Creates a point from E7 latitude and longitude.</summary>
    /// <param name="latitude">Latitude in E7 units, from -900,000,000 to 900,000,000 inclusive.</param>
    /// <param name="longitude">Longitude in E7 units, from -1,800,000,000 to 1,800,000,000 inclusive.</param>
    /// <exception cref="ArgumentOutOfRangeException">Either value is outside its range.</exception>
    public GeoPoint(int latitude, int longitude)
    {
        if (latitude is < MinLatitude or > MaxLatitude)
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, DescribeRangeError(latitude, longitude));
        }

        if (longitude is < MinLongitude or > MaxLongitude)
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, DescribeRangeError(latitude, longitude));
        }

        Latitude = latitude;
        Longitude = longitude;
    }

    /// <summary>Latitude in E7 units (degrees × 10^7), positive north of the equator.</summary>
    public int Latitude { get; }

    /// <summary>Longitude in E7 units (degrees × 10^7), positive east of Greenwich.</summary>
    public int Longitude { get; }

    /// <summary>Latitude in degrees, from -90 to 90.</summary>
    public double LatitudeDegrees => Latitude / UnitsPerDegree;

    /// <summary>Longitude in degrees, from -180 to 180.</summary>
    public double LongitudeDegrees => Longitude / UnitsPerDegree;

    /// <summary>Whether <paramref name="latitude"/> and <paramref name="longitude"/> (E7 units) form a valid point.</summary>
    /// <param name="latitude">Latitude in E7 units.</param>
    /// <param name="longitude">Longitude in E7 units.</param>
    /// <returns><see langword="true"/> when both values are within their inclusive ranges.</returns>
    public static bool IsValid(int latitude, int longitude) =>
        latitude is >= MinLatitude and <= MaxLatitude && longitude is >= MinLongitude and <= MaxLongitude;

    /// <summary>Creates a point without throwing.</summary>
    /// <param name="latitude">Latitude in E7 units.</param>
    /// <param name="longitude">Longitude in E7 units.</param>
    /// <param name="point">The point, or the default point when the values are out of range.</param>
    /// <returns><see langword="true"/> when the values are valid.</returns>
    public static bool TryCreate(int latitude, int longitude, out GeoPoint point)
    {
        if (!IsValid(latitude, longitude))
        {
            point = default;
            return false;
        }

        point = new GeoPoint(latitude, longitude);
        return true;
    }

    /// <summary>
    /// Creates a point from degrees, rounding each coordinate to the nearest E7 unit
    /// (halfway values away from zero).
    /// </summary>
    /// <param name="latitudeDegrees">Latitude in degrees, from -90 to 90.</param>
    /// <param name="longitudeDegrees">Longitude in degrees, from -180 to 180.</param>
    /// <returns>The point.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range or not a finite number.</exception>
    public static GeoPoint FromDegrees(double latitudeDegrees, double longitudeDegrees)
    {
        if (!double.IsFinite(latitudeDegrees) || Math.Abs(latitudeDegrees) > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(latitudeDegrees), latitudeDegrees, "Latitude must be a number of degrees from -90 to 90.");
        }

        if (!double.IsFinite(longitudeDegrees) || Math.Abs(longitudeDegrees) > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(longitudeDegrees), longitudeDegrees, "Longitude must be a number of degrees from -180 to 180.");
        }

        return new GeoPoint(
            (int)Math.Round(latitudeDegrees * UnitsPerDegree, MidpointRounding.AwayFromZero),
            (int)Math.Round(longitudeDegrees * UnitsPerDegree, MidpointRounding.AwayFromZero));
    }

    /// <summary>Describes why a pair of E7 values is not a valid point, naming both values and the ranges.</summary>
    /// <remarks>
    /// The words are the ones this library uses everywhere (exceptions, gRPC statuses), e.g.
    /// <c>latitude is out of range (latitude 950000000, longitude 0; E7 latitude must be within ±900000000, longitude within ±1800000000).</c>
    /// </remarks>
    /// <param name="latitude">Latitude in E7 units.</param>
    /// <param name="longitude">Longitude in E7 units.</param>
    /// <returns>The description; for a valid pair it says the point is valid.</returns>
    public static string DescribeRangeError(int latitude, int longitude)
    {
        var latitudeOk = latitude is >= MinLatitude and <= MaxLatitude;
        var longitudeOk = longitude is >= MinLongitude and <= MaxLongitude;
        var problem = (latitudeOk, longitudeOk) switch
        {
            (false, false) => "latitude and longitude are both out of range",
            (false, true) => "latitude is out of range",
            (true, false) => "longitude is out of range",
            _ => "the point is valid",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{problem} (latitude {latitude}, longitude {longitude}; E7 latitude must be within ±{MaxLatitude}, longitude within ±{MaxLongitude}).");
    }

    /// <summary>Both coordinates packed into one 64-bit key: latitude in the high half, longitude in the low half.</summary>
    internal long Key => ((long)Latitude << 32) | (uint)Longitude;

    /// <summary>
    /// <see cref="Key"/> scrambled one to one, for hash tables keyed by location. A key is latitude and
    /// longitude side by side, and a <see langword="long"/>'s hash code folds its halves together
    /// (latitude XOR longitude), so locations on a grid, which real catalogs and note boards may hold,
    /// would share a few hash codes and make a table quadratic. Multiplying by an odd constant is a
    /// bijection on 64 bits whose high half depends on every bit of the key, so hash codes spread while
    /// lookups stay exact.
    /// </summary>
    internal long ScrambledKey => unchecked((long)((ulong)Key * 0x9E3779B97F4A7C15UL));

    /// <inheritdoc />
    public bool Equals(GeoPoint other) => Latitude == other.Latitude && Longitude == other.Longitude;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GeoPoint other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Latitude, Longitude);

    /// <summary>Formats the point as its E7 values, e.g. <c>(latitude 407838351, longitude -746143763)</c>.</summary>
    /// <returns>The formatted point.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"(latitude {Latitude}, longitude {Longitude})");

    /// <summary>Whether two points have the same E7 coordinates.</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The second point.</param>
    /// <returns><see langword="true"/> when both coordinates are equal.</returns>
    public static bool operator ==(GeoPoint left, GeoPoint right) => left.Equals(right);

    /// <summary>Whether two points differ in either coordinate.</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The second point.</param>
    /// <returns><see langword="true"/> when a coordinate differs.</returns>
    public static bool operator !=(GeoPoint left, GeoPoint right) => !left.Equals(right);
}
