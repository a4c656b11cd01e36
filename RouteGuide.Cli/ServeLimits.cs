using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Cli;

/// <summary>
/// Every limit of <c>serve</c>: the connection limits, as <see cref="RouteGuideServerOptions"/> takes
/// them, and the per-call limits, as <see cref="RouteGuideServiceOptions"/> takes them. Time limits are
/// whole seconds, 0 for none (keep-alive pings, idle timeout, route duration).
/// </summary>
internal sealed record ServeLimits
{
    public int MaxConnections { get; init; } = RouteGuideServerOptions.DefaultMaxConcurrentConnections;

    public int MaxStreamsPerConnection { get; init; } = RouteGuideServerOptions.DefaultMaxStreamsPerConnection;

    /// <summary>0 for no keep-alive pings.</summary>
    public int KeepAliveDelaySeconds { get; init; } = (int)RouteGuideServerOptions.DefaultKeepAlivePingDelay.TotalSeconds;

    public int KeepAliveTimeoutSeconds { get; init; } = (int)RouteGuideServerOptions.DefaultKeepAlivePingTimeout.TotalSeconds;

    /// <summary>0 for no idle timeout.</summary>
    public int IdleTimeoutSeconds { get; init; } = Seconds(RouteGuideServiceOptions.Default.IdleTimeout);

    /// <summary>0 for no limit on a route's duration.</summary>
    public int MaxRouteDurationSeconds { get; init; } = Seconds(RouteGuideServiceOptions.Default.MaxRouteDuration);

    public long MaxRoutePoints { get; init; } = RouteGuideServiceOptions.Default.MaxRoutePoints;

    /// <summary>Sets the connection limits on <paramref name="server"/>.</summary>
    public void Apply(RouteGuideServerOptions server)
    {
        server.MaxConcurrentConnections = MaxConnections;
        server.MaxStreamsPerConnection = MaxStreamsPerConnection;
        server.KeepAlivePingDelay = KeepAliveDelaySeconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(KeepAliveDelaySeconds);
        server.KeepAlivePingTimeout = TimeSpan.FromSeconds(KeepAliveTimeoutSeconds);
    }

    /// <summary>The service's options with these call limits (the library's defaults for everything else).</summary>
    public RouteGuideServiceOptions CallLimits() => RouteGuideServiceOptions.Default with
    {
        IdleTimeout = ToTimeout(IdleTimeoutSeconds),
        MaxRouteDuration = ToTimeout(MaxRouteDurationSeconds),
        MaxRoutePoints = MaxRoutePoints,
    };

    internal static int Seconds(TimeSpan limit) => limit == Timeout.InfiniteTimeSpan ? 0 : (int)limit.TotalSeconds;

    private static TimeSpan ToTimeout(int seconds) => seconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
}
