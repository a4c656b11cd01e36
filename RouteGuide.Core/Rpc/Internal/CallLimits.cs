namespace RouteGuide.Core.Rpc.Internal;

/// <summary>Which call limit ended a call.</summary>
internal enum CallLimit
{
    /// <summary>None did.</summary>
    None,

    /// <summary>No request message for <see cref="CallLimits.IdleTimeout"/>.</summary>
    Idle,

    /// <summary>Still streaming after <see cref="CallLimits.MaxDuration"/>.</summary>
    Duration,

    /// <summary>More than <see cref="CallLimits.MaxMessages"/> request messages.</summary>
    Messages,
}

/// <summary>The limits one call runs under; <see cref="TimeSpan.MaxValue"/> and <see cref="long.MaxValue"/> mean none.</summary>
internal readonly record struct CallLimits(TimeSpan IdleTimeout, TimeSpan MaxDuration, long MaxMessages)
{
    /// <summary>No limits: unary and server-streaming calls.</summary>
    public static CallLimits None { get; } = new(TimeSpan.MaxValue, TimeSpan.MaxValue, long.MaxValue);

    /// <summary>How often the call's timer checks its time limits (a quarter of the shorter one), or null when it has none.</summary>
    public TimeSpan? Period
    {
        get
        {
            var shorter = IdleTimeout < MaxDuration ? IdleTimeout : MaxDuration;
            return shorter == TimeSpan.MaxValue ? null : shorter / 4;
        }
    }

    /// <summary>RecordRoute's limits: all three.</summary>
    public static CallLimits ForRoutes(RouteGuideServiceOptions options) =>
        new(Finite(options.IdleTimeout), Finite(options.MaxRouteDuration), options.MaxRoutePoints);

    /// <summary>RouteChat's limit: the idle timeout.</summary>
    public static CallLimits ForChats(RouteGuideServiceOptions options) =>
        None with { IdleTimeout = Finite(options.IdleTimeout) };

    private static TimeSpan Finite(TimeSpan limit) => limit == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : limit;
}
