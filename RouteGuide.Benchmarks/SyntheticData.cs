using RouteGuide.Core.Statistics;

namespace RouteGuide.Benchmarks;

/// <summary>
/// Reproducible catalogs and routes for benchmarks: random, valid and the same on every run (fixed seeds).
/// Shared by every benchmark class so that their figures are comparable.
/// </summary>
internal static class SyntheticData
{
    public const int CatalogSeed = 20_240_601;
    public const int RouteSeed = 7_340_033;

    /// <summary><paramref name="count"/> features at distinct, uniformly random valid locations.</summary>
    public static CatalogFeature[] CreateFeatures(int count, int seed = CatalogSeed)
    {
        var random = new Random(seed);
        var taken = new HashSet<GeoPoint>(count);
        var features = new CatalogFeature[count];
        var index = 0;
        while (index < count)
        {
            var location = RandomPoint(random);
            if (taken.Add(location))
            {
                // Every eighth feature is unnamed, as in the reference database; names are short and distinct.
                features[index] = new CatalogFeature(index % 8 == 0 ? string.Empty : $"F{index}", location);
                index++;
            }
        }

        return features;
    }

    /// <summary>
    /// <paramref name="count"/> uniformly random valid points; each one, with probability
    /// 1/<paramref name="oneHitIn"/>, is instead the exact location of a random feature, so both the
    /// hit and the miss path of a lookup run, in an order a branch predictor cannot learn.
    /// </summary>
    public static GeoPoint[] CreateRoute(int count, IReadOnlyList<CatalogFeature> features, int oneHitIn, int seed = RouteSeed)
    {
        ArgumentNullException.ThrowIfNull(features);
        var random = new Random(seed);
        var points = new GeoPoint[count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = features.Count > 0 && random.Next(oneHitIn) == 0
                ? features[random.Next(features.Count)].Location
                : RandomPoint(random);
        }

        return points;
    }

    private static GeoPoint RandomPoint(Random random) => new(
        random.Next(GeoPoint.MinLatitude, GeoPoint.MaxLatitude + 1),
        random.Next(GeoPoint.MinLongitude, GeoPoint.MaxLongitude + 1));
}
