using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RouteGuide.Core.AspNetCore.Internal;

/// <summary>
/// The RouteGuide service's own health check, which the health service maps <c>routeguide.RouteGuide</c> to:
/// healthy while the application runs. Once it begins to shut down, <see cref="ShutdownAwareHealthCheckService"/>
/// reports it, and every other check, unhealthy without running it.
/// </summary>
internal sealed class ShutdownHealthCheck : IHealthCheck
{
    /// <summary>The name and tag of the check.</summary>
    public const string Name = "routeguide";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy());
}
