namespace RouteGuide.Core.AspNetCore;

/// <summary>Connection limits and optional services of a RouteGuide server hosted in ASP.NET Core.</summary>
/// <remarks>
/// <para>
/// Set them with <see cref="RouteGuideServerServiceCollectionExtensions.AddRouteGuideServer(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{RouteGuideServerOptions})"/>.
/// The limits are applied to Kestrel's <c>KestrelServerOptions.Limits</c> in registration order: they replace
/// <c>Kestrel:Limits</c> from configuration and <c>ConfigureKestrel</c> calls made before
/// <c>AddRouteGuideServer</c>. Other servers (such as the in-memory TestServer) ignore them. The service switches are read
/// by <see cref="RouteGuideEndpointRouteBuilderExtensions.MapRouteGuide"/>.
/// </para>
/// <para>
/// The defaults bound what a server accepts from clients it cannot trust to be well behaved: Kestrel's own
/// defaults accept any number of connections and never look for a peer that vanished without closing its
/// connection. docs/operations.md explains each default and how it was chosen.
/// </para>
/// </remarks>
public sealed class RouteGuideServerOptions
{
    /// <summary>The default of <see cref="MaxConcurrentConnections"/>: 1,000.</summary>
    public const int DefaultMaxConcurrentConnections = 1_000;

    /// <summary>The default of <see cref="MaxStreamsPerConnection"/>: 100, Kestrel's own.</summary>
    public const int DefaultMaxStreamsPerConnection = 100;

    /// <summary>The default of <see cref="KeepAlivePingDelay"/>: 60 seconds.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromSeconds(60);

    /// <summary>The default of <see cref="KeepAlivePingTimeout"/>: 20 seconds, Kestrel's own.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The most connections the server holds open at once; <see langword="null"/> for no limit. Default: 1,000.</summary>
    /// <remarks>
    /// A connection beyond the limit is closed as soon as it is accepted, before any request on it is read.
    /// Each idle HTTP/2 connection costs the server about 33 kB (docs/operations.md), so the default bounds idle
    /// connections to about 33 MB; one connection carries many calls (see <see cref="MaxStreamsPerConnection"/>),
    /// so a server behind a few proxies or balancers needs far fewer.
    /// </remarks>
    public int? MaxConcurrentConnections { get; set; } = DefaultMaxConcurrentConnections;

    /// <summary>The most calls (HTTP/2 streams) one connection may carry at once. Default: 100.</summary>
    /// <remarks>
    /// The server announces the limit in its HTTP/2 SETTINGS and refuses a stream beyond it with
    /// <c>REFUSED_STREAM</c>, which a client may retry. Grpc.Net.Client channels with
    /// <c>EnableMultipleHttp2Connections</c> (those of <c>RouteGuideChannel.ForAddress</c>) open another
    /// connection instead of waiting.
    /// </remarks>
    public int MaxStreamsPerConnection { get; set; } = DefaultMaxStreamsPerConnection;

    /// <summary>
    /// How long a connection may be silent before the server sends an HTTP/2 PING to see whether the peer is
    /// still there; <see cref="Timeout.InfiniteTimeSpan"/> to send none. Default: 60 seconds.
    /// </summary>
    /// <remarks>
    /// A peer that disappeared without closing its connection (a crashed machine, a dropped NAT mapping) would
    /// otherwise hold the connection, and every call on it, for ever. With the defaults such a connection is
    /// closed within about 80 seconds (<see cref="KeepAlivePingDelay"/> + <see cref="KeepAlivePingTimeout"/>).
    /// A live client answers a ping without any work from its application; one ping a minute on an idle
    /// connection costs 17 bytes each way.
    /// </remarks>
    public TimeSpan KeepAlivePingDelay { get; set; } = DefaultKeepAlivePingDelay;

    /// <summary>How long the server waits for the answer to a keep-alive ping before it closes the connection. Default: 20 seconds.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = DefaultKeepAlivePingTimeout;

    /// <summary>
    /// Whether <see cref="RouteGuideEndpointRouteBuilderExtensions.MapRouteGuide"/> also maps the standard gRPC
    /// health service, <c>grpc.health.v1.Health</c>. Default: <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// <c>Check</c> answers <c>SERVING</c> for the server (<c>""</c>) and for <c>routeguide.RouteGuide</c> while the
    /// application runs, and <c>NOT_SERVING</c> from the moment it begins to shut down, so that load balancers and
    /// Kubernetes gRPC probes stop sending new calls. The answer comes from ASP.NET Core health checks: a check you
    /// add with <c>AddHealthChecks()</c> counts for <c>""</c> too.
    /// </remarks>
    public bool EnableHealthService { get; set; } = true;

    /// <summary>
    /// Whether <see cref="RouteGuideEndpointRouteBuilderExtensions.MapRouteGuide"/> also maps gRPC server
    /// reflection (<c>grpc.reflection.v1</c> and <c>v1alpha</c>), which tools such as grpcurl use to list the
    /// services and their message types. Default: <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Reflection describes every gRPC service of the application to any client that asks; turn it on where
    /// that is wanted, such as development and internal servers.
    /// </remarks>
    public bool EnableReflection { get; set; }

    /// <summary>
    /// Whether RecordRoute reads its points in batches straight from the request body (the batch read
    /// path of docs/fast-path.md) when the call allows it. Default: <see langword="true"/>.
    /// </summary>
    /// <remarks>
    /// Set it to <see langword="false"/> to have every call read by Grpc.AspNetCore's own per-message
    /// reader: to compare the two, or to step around the batch path should a Grpc.AspNetCore update ever
    /// change how it hands over the request. Statuses, limits and summaries are the same on both paths;
    /// the batch path spends less CPU and allocates nothing per point.
    /// </remarks>
    public bool BatchReads { get; set; } = true;
}
