using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RouteGuide.Core.AspNetCore.Internal;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.AspNetCore;

/// <summary>Registers the RouteGuide server in an ASP.NET Core application.</summary>
public static class RouteGuideServerServiceCollectionExtensions
{
    /// <summary>Registers ASP.NET Core gRPC and the RouteGuide service with everything it needs.</summary>
    /// <remarks>
    /// Calls <c>AddGrpc()</c> and <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>, so the
    /// same defaults apply: register your own <c>IFeatureLookup</c>, <c>TimeProvider</c> or options first
    /// to replace them. Map the service with <see cref="RouteGuideEndpointRouteBuilderExtensions.MapRouteGuide"/>.
    /// RecordRoute then reads its points in batches straight from the request body (no allocation per
    /// point), with the same statuses as Grpc.AspNetCore's reader; a compressed request, or a server
    /// interceptor that wraps the request stream, gets Grpc.AspNetCore's reader instead.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <returns>The gRPC server builder, to configure ASP.NET Core gRPC further.</returns>
    public static IGrpcServerBuilder AddRouteGuideServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grpc = services.AddGrpc();

        // RecordRoute reads its points in batches from the request body when it can (see docs/fast-path.md).
        services.TryAddSingleton<IPointBatchReaderFactory, RequestBodyPointReaderFactory>();
        services.AddRouteGuide();
        return grpc;
    }
}
