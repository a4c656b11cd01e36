using RouteGuide.Core.Protocol;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli;

/// <summary>
/// The points a benchmark call streams: a fixed pool of the original client's random points (catalog features
/// and random places), repeated, with the payload it puts on the wire.
/// </summary>
internal sealed class BenchRoute
{
    /// <summary>The gRPC length-prefixed framing of each message: a compression flag and a 4-byte length.</summary>
    public const int FrameHeaderBytes = 5;

    private readonly Point[] _pool;
    private readonly long[] _payloadBefore;

    /// <summary>Creates the pool of points, the same for every run.</summary>
    /// <param name="catalog">The features some of the points land on.</param>
    /// <param name="poolSize">The number of distinct points.</param>
    public BenchRoute(FeatureCatalog catalog, int poolSize = 4096)
    {
        _pool = RandomRoute.Create(new Random(20261125), catalog, poolSize);
        _payloadBefore = new long[poolSize + 1];
        for (var i = 0; i < poolSize; i++)
        {
            _payloadBefore[i + 1] = _payloadBefore[i] + _pool[i].CalculateSize() + FrameHeaderBytes;
        }
    }

    /// <summary>
    /// The first <paramref name="count"/> points of the route, lazily; after each one has been taken and
    /// written, the number written so far is published in <paramref name="progress"/>[<paramref name="slot"/>].
    /// </summary>
    public IEnumerable<Point> Points(int count, long[] progress, int slot)
    {
        for (var i = 0; i < count; i++)
        {
            yield return _pool[i % _pool.Length];
            Volatile.Write(ref progress[slot], i + 1L);
        }
    }

    /// <summary>The bytes on the wire for the first <paramref name="count"/> points: each point's protobuf size plus the 5-byte frame header.</summary>
    public long PayloadBytes(long count) =>
        (count / _pool.Length * _payloadBefore[_pool.Length]) + _payloadBefore[count % _pool.Length];
}
