using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.AspNetCore;

/// <summary>Maps the RouteGuide server's endpoints in an ASP.NET Core application.</summary>
public static class RouteGuideEndpointRouteBuilderExtensions
{
    /// <summary>Maps the four RouteGuide methods of <see cref="RouteGuideService"/>.</summary>
    /// <remarks>
    /// Register the service first with <see cref="RouteGuideServerServiceCollectionExtensions.AddRouteGuideServer"/>.
    /// The returned builder takes endpoint conventions such as <c>RequireAuthorization()</c> or <c>RequireHost()</c>.
    /// </remarks>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <returns>A builder for conventions on the RouteGuide endpoints.</returns>
    public static GrpcServiceEndpointConventionBuilder MapRouteGuide(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGrpcService<RouteGuideService>();
    }
}
