using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Rpc;

/// <summary>Registers <see cref="RouteGuideService"/> and what it needs in a dependency injection container.</summary>
public static class RouteGuideServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RouteGuideService"/> and its <see cref="RouteGuideCallPolicy"/> as singletons, with defaults for what they need.
    /// </summary>
    /// <remarks>
    /// Unless already registered, it also registers <see cref="TimeProvider.System"/>,
    /// <see cref="FeatureCatalog.Default"/> as the <see cref="IFeatureLookup"/>,
    /// <see cref="RouteRecorderOptions.Default"/>, a <see cref="RouteRecorderFactory"/> over those,
    /// <see cref="RouteGuideServiceOptions.Default"/>, and an <see cref="IRouteNoteStore"/> in this process's
    /// memory with those options' caps. Register your own of any of these first to replace it. ASP.NET Core hosts call
    /// <c>AddRouteGuideServer()</c> (RouteGuide.Core.AspNetCore), which calls this and applies the policy;
    /// other gRPC hosts add the policy as a server interceptor. The policy records its metrics through the
    /// container's <see cref="IMeterFactory"/> when there is one.
    /// </remarks>
    /// <param name="services">The container.</param>
    /// <returns>The same container, for chaining.</returns>
    public static IServiceCollection AddRouteGuide(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFeatureLookup>(_ => FeatureCatalog.Default);
        services.TryAddSingleton(RouteRecorderOptions.Default);
        services.TryAddSingleton<IRouteRecorderFactory>(provider => new RouteRecorderFactory(
            provider.GetRequiredService<IFeatureLookup>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<RouteRecorderOptions>()));
        services.TryAddSingleton(RouteGuideServiceOptions.Default);
        services.TryAddSingleton<IRouteNoteStore>(provider => new InMemoryRouteNoteStore(provider.GetRequiredService<RouteGuideServiceOptions>()));
        services.TryAddSingleton(provider => new RouteGuideCallPolicy(
            provider.GetRequiredService<RouteGuideServiceOptions>(),
            provider.GetService<ILogger<RouteGuideCallPolicy>>(),
            provider.GetService<IMeterFactory>(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new RouteGuideService(
            provider.GetRequiredService<IFeatureLookup>(),
            provider.GetRequiredService<IRouteRecorderFactory>(),
            provider.GetRequiredService<RouteGuideServiceOptions>(),
            provider.GetService<ILogger<RouteGuideService>>(),
            provider.GetRequiredService<IRouteNoteStore>())
        {
            BatchReaders = provider.GetService<IPointBatchReaderFactory>(),
        });
        return services;
    }
}
