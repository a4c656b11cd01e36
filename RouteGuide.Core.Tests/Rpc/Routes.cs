using System.Runtime.CompilerServices;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>Routes for the end-to-end tests, and the statistics a local recorder computes for them.</summary>
internal static class Routes
{
    /// <summary>The original client's route: 2 to 101 points, each either a catalog feature or a random point.</summary>
    public static Point[] Random(int seed, FeatureCatalog catalog, int? count = null)
    {
        var random = new Random(seed);
        var length = count ?? random.Next(2, 102);
        var points = new Point[length];
        for (var i = 0; i < length; i++)
        {
            points[i] = random.Next(3) == 0 && catalog.Count > 0
                ? ToPoint(catalog.Features[random.Next(catalog.Count)].Location)
                : new Point { Latitude = random.Next(-900_000_000, 900_000_001), Longitude = random.Next(-1_800_000_000, 1_800_000_001) };
        }

        return points;
    }

    public static Point ToPoint(GeoPoint point) => new() { Latitude = point.Latitude, Longitude = point.Longitude };

    public static RouteStatistics RecordLocally(IEnumerable<Point> points, IFeatureLookup catalog, RouteRecorderOptions? options = null)
    {
        var recorder = new RouteRecorder(catalog, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(), options);
        foreach (var point in points)
        {
            recorder.Record(point.Latitude, point.Longitude);
        }

        return recorder.GetStatistics();
    }

    /// <summary>Yields the points, running <paramref name="afterEach"/> (with the enumeration's token) after each one is taken.</summary>
    public static async IAsyncEnumerable<Point> WithHook(IEnumerable<Point> points, Func<int, CancellationToken, Task> afterEach, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = 0;
        foreach (var point in points)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return point;
            await afterEach(index++, cancellationToken);
        }
    }
}
