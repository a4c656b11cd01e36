using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace RouteGuide.Core.AspNetCore.Internal;

/// <summary>Applies the connection limits of <see cref="RouteGuideServerOptions"/> to Kestrel.</summary>
internal sealed class KestrelLimitsSetup(IOptions<RouteGuideServerOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var limits = options.Value;
        Check(limits.MaxConcurrentConnections is null or > 0, nameof(RouteGuideServerOptions.MaxConcurrentConnections), "must be at least 1, or null for no limit", limits.MaxConcurrentConnections);
        Check(limits.MaxStreamsPerConnection > 0, nameof(RouteGuideServerOptions.MaxStreamsPerConnection), "must be at least 1", limits.MaxStreamsPerConnection);
        Check(
            limits.KeepAlivePingDelay > TimeSpan.Zero || limits.KeepAlivePingDelay == Timeout.InfiniteTimeSpan,
            nameof(RouteGuideServerOptions.KeepAlivePingDelay),
            "must be positive, or Timeout.InfiniteTimeSpan for no pings",
            limits.KeepAlivePingDelay);
        Check(limits.KeepAlivePingTimeout > TimeSpan.Zero, nameof(RouteGuideServerOptions.KeepAlivePingTimeout), "must be positive", limits.KeepAlivePingTimeout);

        kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        kestrel.Limits.Http2.MaxStreamsPerConnection = limits.MaxStreamsPerConnection;

        // Kestrel spells "no pings" TimeSpan.MaxValue.
        kestrel.Limits.Http2.KeepAlivePingDelay = limits.KeepAlivePingDelay == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : limits.KeepAlivePingDelay;
        kestrel.Limits.Http2.KeepAlivePingTimeout = limits.KeepAlivePingTimeout;
    }

    private static void Check(bool valid, string name, string rule, object? value)
    {
        if (!valid)
        {
            throw new OptionsValidationException(
                nameof(RouteGuideServerOptions), typeof(RouteGuideServerOptions), [$"{nameof(RouteGuideServerOptions)}.{name} {rule}, not {value?.ToString() ?? "null"}."]);
        }
    }
}
