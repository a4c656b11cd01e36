using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.AspNetCore;

/// <summary>Registers the RouteGuide server in an ASP.NET Core application.</summary>
public static class RouteGuideServerServiceCollectionExtensions
{
    /// <summary>Registers ASP.NET Core gRPC and the RouteGuide service with everything it needs.</summary>
    /// <remarks>
    /// Calls <c>AddGrpc()</c> and <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>, so the
    /// same defaults apply: register your own <c>IFeatureLookup</c>, <c>TimeProvider</c> or options first
    /// to replace them. Map the service with <see cref="RouteGuideEndpointRouteBuilderExtensions.MapRouteGuide"/>.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <returns>The gRPC server builder, to configure ASP.NET Core gRPC further.</returns>
    public static IGrpcServerBuilder AddRouteGuideServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grpc = services.AddGrpc();
        services.AddRouteGuide();
        return grpc;
    }
}
