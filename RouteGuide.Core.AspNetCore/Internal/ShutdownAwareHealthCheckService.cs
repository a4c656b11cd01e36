using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RouteGuide.Core.AspNetCore.Internal;

/// <summary>
/// The application's <see cref="HealthCheckService"/>, except that once the application begins to shut down every
/// check is reported unhealthy ("The server is shutting down.") without being run. The health service then
/// answers NOT_SERVING, and a probe during a normal shutdown does not log a failed check as an error, as the
/// default service logs every unhealthy result.
/// </summary>
internal sealed class ShutdownAwareHealthCheckService(
    HealthCheckService inner, IHostApplicationLifetime lifetime, IOptions<HealthCheckServiceOptions> options) : HealthCheckService
{
    private const string ShuttingDown = "The server is shutting down.";

    /// <summary>Replaces the registered <see cref="HealthCheckService"/> with one that wraps it.</summary>
    public static void Wrap(IServiceCollection services)
    {
        var registered = services.LastOrDefault(service => service.ServiceType == typeof(HealthCheckService));
        if (registered is null)
        {
            return;
        }

        services.Remove(registered);
        services.AddSingleton<HealthCheckService>(provider => new ShutdownAwareHealthCheckService(
            (HealthCheckService)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(provider)
                ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!)),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>()));
    }

    public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return inner.CheckHealthAsync(predicate, cancellationToken);
        }

        var entries = options.Value.Registrations
            .Where(registration => predicate is null || predicate(registration))
            .ToDictionary(
                registration => registration.Name,
                registration => new HealthReportEntry(HealthStatus.Unhealthy, ShuttingDown, TimeSpan.Zero, exception: null, data: null, tags: registration.Tags));
        return Task.FromResult(new HealthReport(entries, TimeSpan.Zero));
    }
}
