using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli;

/// <summary>The original RouteGuide client's route: each point either a catalog feature's location or a random valid point.</summary>
internal static class RandomRoute
{
    /// <summary>The fewest points of a route whose length is left to chance.</summary>
    public const int MinLength = 2;

    /// <summary>The most points of a route whose length is left to chance.</summary>
    public const int MaxLength = 101;

    /// <summary>Creates a route.</summary>
    /// <param name="random">The source of randomness; seed it for a reproducible route.</param>
    /// <param name="catalog">The features a point may land on.</param>
    /// <param name="length">The number of points; from <see cref="MinLength"/> to <see cref="MaxLength"/> at random when null.</param>
    /// <returns>The points, in order.</returns>
    public static Point[] Create(Random random, FeatureCatalog catalog, int? length = null)
    {
        var count = length ?? random.Next(MinLength, MaxLength + 1);
        var points = new Point[count];
        for (var i = 0; i < count; i++)
        {
            points[i] = random.Next(2) == 0 && catalog.Count > 0
                ? ToPoint(catalog.Features[random.Next(catalog.Count)].Location)
                : new Point
                {
                    Latitude = random.Next(GeoPoint.MinLatitude, GeoPoint.MaxLatitude + 1),
                    Longitude = random.Next(GeoPoint.MinLongitude, GeoPoint.MaxLongitude + 1),
                };
        }

        return points;
    }

    /// <summary>A random number generator: seeded when <paramref name="seed"/> is given.</summary>
    public static Random CreateRandom(int? seed) => seed is { } value ? new Random(value) : new Random();

    private static Point ToPoint(GeoPoint location) => new() { Latitude = location.Latitude, Longitude = location.Longitude };
}
