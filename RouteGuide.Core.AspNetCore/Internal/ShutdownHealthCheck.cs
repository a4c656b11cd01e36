using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace RouteGuide.Core.AspNetCore.Internal;

/// <summary>Healthy while the application runs; unhealthy from the moment it begins to shut down.</summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <summary>The name and tag of the check; the health service maps <c>routeguide.RouteGuide</c> to it.</summary>
    public const string Name = "routeguide";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The server is shutting down.")
            : HealthCheckResult.Healthy());
}
