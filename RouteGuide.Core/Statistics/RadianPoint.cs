namespace RouteGuide.Core.Statistics;

/// <summary>
/// A point converted once for the haversine formula: latitude and longitude in radians and the
/// cosine of the latitude. A route carries the previous point's <see cref="RadianPoint"/> forward,
/// so each new point costs one cosine.
/// </summary>
internal readonly struct RadianPoint
{
    private const double RadiansPerE7Unit = Math.PI / 180.0 / GeoPoint.UnitsPerDegree;

    private RadianPoint(double latitude, double longitude, double cosLatitude)
    {
        Latitude = latitude;
        Longitude = longitude;
        CosLatitude = cosLatitude;
    }

    public double Latitude { get; }

    public double Longitude { get; }

    public double CosLatitude { get; }

    public static RadianPoint From(GeoPoint point)
    {
        var latitude = point.Latitude * RadiansPerE7Unit;
        return new RadianPoint(latitude, point.Longitude * RadiansPerE7Unit, Math.Cos(latitude));
    }

    public double DistanceMetresTo(in RadianPoint other)
    {
        var sinHalfDeltaLatitude = Math.Sin((other.Latitude - Latitude) * 0.5);
        var sinHalfDeltaLongitude = Math.Sin((other.Longitude - Longitude) * 0.5);
        var a = (sinHalfDeltaLatitude * sinHalfDeltaLatitude)
            + (CosLatitude * other.CosLatitude * sinHalfDeltaLongitude * sinHalfDeltaLongitude);

        // Rounding can push a a hair outside [0, 1] for antipodes; clamping keeps the square roots real.
        a = Math.Clamp(a, 0.0, 1.0);

        // Half the central angle, atan2(√a, √(1−a)), is asin(√a), which costs about half as much. Past a
        // quarter circle (a > ½) it is π/2 − asin(√(1−a)) instead, so that asin never works near 1, where
        // it would magnify rounding (1 − a is exact there). Either way the result is the atan2 form's to
        // within an ulp or two.
        var halfAngle = a <= 0.5 ? Math.Asin(Math.Sqrt(a)) : (Math.PI / 2) - Math.Asin(Math.Sqrt(1.0 - a));
        return 2.0 * Haversine.EarthRadiusMetres * halfAngle;
    }
}
