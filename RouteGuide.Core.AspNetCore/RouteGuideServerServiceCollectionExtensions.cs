using System.Diagnostics.Metrics;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RouteGuide.Core.AspNetCore.Internal;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.AspNetCore;

/// <summary>Registers the RouteGuide server in an ASP.NET Core application.</summary>
public static class RouteGuideServerServiceCollectionExtensions
{
    /// <summary>Registers ASP.NET Core gRPC and the RouteGuide service with everything it needs.</summary>
    /// <remarks>
    /// <para>
    /// Calls <c>AddGrpc()</c> and <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>, so the
    /// same defaults apply: register your own <c>IFeatureLookup</c>, <c>TimeProvider</c> or options first
    /// to replace them. Map the service with <see cref="RouteGuideEndpointRouteBuilderExtensions.MapRouteGuide"/>.
    /// RecordRoute reads its points in batches straight from the request body (no allocation per
    /// point), with the same statuses as Grpc.AspNetCore's reader; a compressed request, or a server
    /// interceptor of your own that wraps the request stream, gets Grpc.AspNetCore's reader instead.
    /// The connection limits and services of <see cref="RouteGuideServerOptions"/> apply with their defaults.
    /// </para>
    /// <para>
    /// The service's calls run under <see cref="RouteGuideCallPolicy"/>, linked to the application's
    /// shutdown (<see cref="IHostApplicationLifetime.ApplicationStopping"/>): calls still streaming when it
    /// begins end with <c>Unavailable</c>; its call limits are <see cref="RouteGuideServiceOptions"/>'s, and its
    /// metrics go to the application's <see cref="IMeterFactory"/>. Received <c>gzip</c> messages are verified before the service
    /// reads them (corrupt or truncated: <c>Internal</c>; over the receive limit once decompressed:
    /// <c>ResourceExhausted</c>); the RouteGuide service accepts no other message encoding but identity.
    /// </para>
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <returns>The gRPC server builder, to configure ASP.NET Core gRPC further.</returns>
    public static IGrpcServerBuilder AddRouteGuideServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var grpc = services.AddGrpc();

        // RecordRoute reads its points in batches from the request body when it can (see docs/fast-path.md).
        services.TryAddSingleton<IPointBatchReaderFactory, RequestBodyPointReaderFactory>();
        services.TryAddSingleton(provider => new RouteGuideCallPolicy(
            provider.GetService<ILogger<RouteGuideCallPolicy>>(),
            RequestComplete,
            RequestAborted,
            provider.GetRequiredService<RouteGuideServiceOptions>(),
            provider.GetService<IMeterFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        services.AddRouteGuide();
        grpc.AddServiceOptions<RouteGuideService>(options =>
        {
            options.Interceptors.Add<RouteGuideCallPolicy>();
            options.CompressionProviders = [new VerifiedGzipCompressionProvider(() => options.MaxReceiveMessageSize)];
        });
        AddEndpointServices(services);
        return grpc;
    }

    /// <summary>Registers the RouteGuide server as <see cref="AddRouteGuideServer(IServiceCollection)"/> does, with its connection limits and services set by <paramref name="configure"/>.</summary>
    /// <remarks>
    /// For example <c>AddRouteGuideServer(server =&gt; server.EnableReflection = true)</c>. Calling it again
    /// configures the same options further.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the <see cref="RouteGuideServerOptions"/>.</param>
    /// <returns>The gRPC server builder, to configure ASP.NET Core gRPC further.</returns>
    public static IGrpcServerBuilder AddRouteGuideServer(this IServiceCollection services, Action<RouteGuideServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var grpc = services.AddRouteGuideServer();
        services.Configure(configure);
        return grpc;
    }

    /// <summary>Kestrel's limits, the health service and reflection: registered always, mapped by MapRouteGuide as the options say.</summary>
    private static void AddEndpointServices(IServiceCollection services)
    {
        services.AddOptions<RouteGuideServerOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>());

        if (!services.Any(service => service.ServiceType == typeof(ShutdownHealthCheck)))
        {
            services.AddSingleton<ShutdownHealthCheck>();
            services.AddGrpcHealthChecks(health => health.Services.Map(
                    Protocol.RouteGuide.Descriptor.FullName, check => check.Tags.Contains(ShutdownHealthCheck.Name)))
                .AddCheck<ShutdownHealthCheck>(ShutdownHealthCheck.Name, tags: [ShutdownHealthCheck.Name]);
            ShutdownAwareHealthCheckService.Wrap(services);
        }

        services.AddGrpcReflection();
    }

    /// <summary>
    /// Whether Kestrel has ended the request (reset by the client, connection lost, deadline passed). Kestrel
    /// fails the request body's read at once but cancels <c>RequestAborted</c> later on the thread pool, so a read's
    /// failure is looked at too: Kestrel's <see cref="Microsoft.AspNetCore.Connections.ConnectionAbortedException"/>,
    /// or an <see cref="IOException"/> (such as "The client reset the request stream.") after which the body pipe
    /// itself is broken. Grpc.AspNetCore throws an <see cref="IOException"/> of its own for a length prefix over
    /// 2 GiB, after a read that succeeded: the pipe still reads, and that message is unreadable, not a reset.
    /// </summary>
    private static bool RequestAborted(ServerCallContext context, Exception? readFailure)
    {
        var http = context.GetHttpContext();
        return http.RequestAborted.IsCancellationRequested
            || readFailure is Microsoft.AspNetCore.Connections.ConnectionAbortedException
            || (readFailure is IOException and not Microsoft.AspNetCore.Http.BadHttpRequestException && RequestBodyBroken(http));
    }

    /// <summary>Whether reading the request body again fails (Kestrel keeps the exception that broke it); consumes nothing.</summary>
    private static bool RequestBodyBroken(HttpContext http)
    {
        try
        {
            var body = http.Request.BodyReader;
            if (body.TryRead(out var result))
            {
                // Nothing consumed, everything examined: never behind what the failed read examined.
                body.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            return false;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            // The pipe refused the probe (a read in progress, say): not known to be broken.
            return false;
        }
    }

    /// <summary>Whether the whole request has arrived: the client half-closed (HTTP/2 END_STREAM), so request trailers are available.</summary>
    private static bool RequestComplete(ServerCallContext context) =>
        context.GetHttpContext().Features.Get<IHttpRequestTrailersFeature>()?.Available ?? false;
}
