using System.Diagnostics.Metrics;
using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// The instruments of the <c>RouteGuide.Core</c> meter, recorded by <see cref="RouteGuideCallPolicy"/>
/// once per call (never per message): a route's points, features, distance and duration are added
/// when it ends, from its count of messages read and its summary.
/// </summary>
/// <remarks>
/// Every point a RecordRoute call read is counted once: in <c>routeguide.server.route.points</c> if the
/// route completed, in <c>routeguide.server.route.rejected_points</c> (by the status the route ended
/// with) if it failed.
/// </remarks>
internal sealed class CallMetrics
{
    /// <summary>The OpenTelemetry attribute naming the gRPC method, as in "RecordRoute".</summary>
    public const string MethodTag = "rpc.method";

    /// <summary>The OpenTelemetry attribute holding a call's numeric gRPC status code.</summary>
    public const string StatusTag = "rpc.grpc.status_code";

    // Boxed once, so that tagging a call with its status allocates nothing.
    private static readonly object[] StatusCodes = Enum.GetValues<StatusCode>().Select(code => (object)(int)code).ToArray();

    private readonly UpDownCounter<long> _activeCalls;
    private readonly Counter<long> _routes;
    private readonly Counter<long> _points;
    private readonly Counter<long> _rejectedPoints;
    private readonly Counter<long> _features;
    private readonly Histogram<double> _distance;
    private readonly Histogram<double> _duration;

    public CallMetrics(Meter meter)
    {
        _activeCalls = meter.CreateUpDownCounter<long>("routeguide.server.active_calls", "{call}", "RouteGuide calls in progress, by method.");
        _routes = meter.CreateCounter<long>("routeguide.server.routes", "{route}", "RecordRoute calls ended, by gRPC status code (0: completed with a summary).");
        _points = meter.CreateCounter<long>("routeguide.server.route.points", "{point}", "Points recorded in completed routes.");
        _rejectedPoints = meter.CreateCounter<long>("routeguide.server.route.rejected_points", "{point}", "Points received in routes that failed, by the route's gRPC status code.");
        _features = meter.CreateCounter<long>("routeguide.server.route.features", "{feature}", "Points of completed routes that matched a catalog feature.");
        _distance = meter.CreateHistogram<double>("routeguide.server.route.distance", "m", "Distance of completed routes, in whole metres as in their summary.");
        _duration = meter.CreateHistogram<double>("routeguide.server.route.duration", "s", "Time from the start of a completed RecordRoute call to its summary.");
    }

    /// <summary>A call started.</summary>
    public void Started(string method) => _activeCalls.Add(1, new KeyValuePair<string, object?>(MethodTag, method));

    /// <summary>A call ended, however it ended.</summary>
    public void Ended(string method) => _activeCalls.Add(-1, new KeyValuePair<string, object?>(MethodTag, method));

    /// <summary>A route completed with <paramref name="summary"/> after reading <paramref name="points"/> points.</summary>
    public void RouteCompleted(long points, RouteGuide.Core.Protocol.RouteSummary summary, TimeSpan duration)
    {
        _routes.Add(1, Status(StatusCode.OK));
        _points.Add(points);
        _features.Add(summary.FeatureCount);
        _distance.Record(summary.Distance);
        _duration.Record(duration.TotalSeconds);
    }

    /// <summary>A route failed with <paramref name="code"/> after reading <paramref name="points"/> points.</summary>
    public void RouteFailed(long points, StatusCode code)
    {
        _routes.Add(1, Status(code));
        if (points > 0)
        {
            _rejectedPoints.Add(points, Status(code));
        }
    }

    private static KeyValuePair<string, object?> Status(StatusCode code) =>
        new(StatusTag, (uint)code < (uint)StatusCodes.Length ? StatusCodes[(int)code] : (int)code);
}
