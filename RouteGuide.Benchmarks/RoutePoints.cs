using RouteGuide.Core.Protocol;

namespace RouteGuide.Benchmarks;

/// <summary>Points for the end-to-end benchmarks: random valid locations, the same on every run.</summary>
internal static class RoutePoints
{
    /// <summary><paramref name="count"/> points, made up front (so that making them is not measured).</summary>
    public static Point[] Create(int count, int seed = SyntheticData.RouteSeed)
    {
        var random = new Random(seed);
        var points = new Point[count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = Next(random);
        }

        return points;
    }

    /// <summary><paramref name="count"/> points made as they are taken, so that a long route holds no memory.</summary>
    public static IEnumerable<Point> Stream(long count, int seed = SyntheticData.RouteSeed)
    {
        var random = new Random(seed);
        for (var i = 0L; i < count; i++)
        {
            yield return Next(random);
        }
    }

    /// <summary>Throws unless the server counted exactly <paramref name="sent"/> points.</summary>
    public static void CheckCount(RouteSummary summary, long sent, string what)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.PointCount != sent)
        {
            throw new InvalidOperationException($"{what}: sent {sent} points but the server counted {summary.PointCount}.");
        }
    }

    private static Point Next(Random random) => new()
    {
        Latitude = random.Next(-900_000_000, 900_000_001),
        Longitude = random.Next(-1_800_000_000, 1_800_000_001),
    };
}
