using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.AspNetCore;

/// <summary>Maps the RouteGuide server's endpoints in an ASP.NET Core application.</summary>
public static class RouteGuideEndpointRouteBuilderExtensions
{
    /// <summary>Maps the four RouteGuide methods of <see cref="RouteGuideService"/>, and the health and reflection services when <see cref="RouteGuideServerOptions"/> asks for them.</summary>
    /// <remarks>
    /// <para>
    /// Register the service first with <see cref="RouteGuideServerServiceCollectionExtensions.AddRouteGuideServer(IServiceCollection)"/>.
    /// The returned builder takes endpoint conventions such as <c>RequireAuthorization()</c> or <c>RequireHost()</c>.
    /// </para>
    /// <para>
    /// The conventions apply to the RouteGuide methods only: the health service stays open to probes, and
    /// reflection (off by default) is open to any client. To put them behind conventions of their own, turn them
    /// off in <see cref="RouteGuideServerOptions"/> and map them yourself with <c>MapGrpcHealthChecksService()</c>
    /// and <c>MapGrpcReflectionService()</c>.
    /// </para>
    /// </remarks>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <returns>A builder for conventions on the RouteGuide endpoints.</returns>
    public static GrpcServiceEndpointConventionBuilder MapRouteGuide(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<RouteGuideServerOptions>>().Value;
        var routeGuide = endpoints.MapGrpcService<RouteGuideService>();
        if (options.EnableHealthService)
        {
            endpoints.MapGrpcHealthChecksService();
        }

        if (options.EnableReflection)
        {
            endpoints.MapGrpcReflectionService();
        }

        return routeGuide;
    }
}
