using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.FastPath;

/// <summary>
/// Wraps the server's real recorders: signals when the first point of any route is recorded, and,
/// when asked, holds the server's handler inside its first <c>Record</c> until released, so that the
/// client's flow-control window fills up.
/// </summary>
internal sealed class ObservedRecorders(IRouteRecorderFactory inner, bool blockAfterFirstPoint = false) : IRouteRecorderFactory, IDisposable
{
    private readonly ManualResetEventSlim _release = new(!blockAfterFirstPoint);
    private long _pointsRecorded;

    /// <summary>How many points all the server's recorders have recorded so far.</summary>
    public long PointsRecorded => Interlocked.Read(ref _pointsRecorded);

    /// <summary>Completes when a server recorder has recorded its first point.</summary>
    public TaskCompletionSource FirstPoint { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Observes the recorders a host would make from its own catalog, clock and recorder options.</summary>
    public static ObservedRecorders ForHost(IServiceProvider host, bool blockAfterFirstPoint = false) => new(
        new RouteRecorderFactory(
            host.GetRequiredService<IFeatureLookup>(),
            host.GetRequiredService<TimeProvider>(),
            host.GetRequiredService<RouteRecorderOptions>()),
        blockAfterFirstPoint);

    /// <summary>Lets blocked recorders go on.</summary>
    public void Release() => _release.Set();

    public IRouteRecorder StartRoute() => new Recorder(inner.StartRoute(), this);

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }

    private sealed class Recorder(IRouteRecorder inner, ObservedRecorders owner) : IRouteRecorder
    {
        public long PointCount => inner.PointCount;

        public void Record(int latitude, int longitude)
        {
            inner.Record(latitude, longitude);
            Interlocked.Increment(ref owner._pointsRecorded);
            if (inner.PointCount == 1)
            {
                owner.FirstPoint.TrySetResult();

                // Bounded so that a failing test cannot hang the run.
                owner._release.Wait(TimeSpan.FromSeconds(60));
            }
        }

        public RouteStatistics GetStatistics() => inner.GetStatistics();
    }
}
