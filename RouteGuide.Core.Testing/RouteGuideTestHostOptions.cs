using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Testing;

/// <summary>What a <see cref="RouteGuideTestHost"/> hosts and how.</summary>
/// <remarks>
/// <para>
/// Every property is optional. Left alone, the host serves <see cref="RouteGuideService"/> in memory
/// with <see cref="FeatureCatalog.Default"/>, default options and a new <see cref="FakeTimeProvider"/>.
/// </para>
/// <para>
/// Services are registered in this order: the host's own (fake logging, the call log, a 4 MiB receive
/// limit), then <see cref="ConfigureServices"/>, then what the test chose here (<see cref="Time"/>,
/// <see cref="Catalog"/>, <see cref="RecorderOptions"/>, <see cref="ServiceOptions"/>, replacing any
/// registration of the same service), then <see cref="ConfigureGrpc"/>, and last <c>AddRouteGuideServer()</c>,
/// which adds only what is still missing.
/// </para>
/// </remarks>
public sealed class RouteGuideTestHostOptions
{
    /// <summary>Gets or sets how calls travel: in memory (the default) or over loopback HTTP/2.</summary>
    public HostFlavour Flavour { get; set; } = HostFlavour.InMemory;

    /// <summary>Gets or sets the features the service serves and every route counts.</summary>
    /// <remarks>
    /// Any <see cref="IFeatureLookup"/>: a <see cref="FeatureCatalog"/> of the test's own or a fake store.
    /// When <see langword="null"/>, the application's own registration is used, or <see cref="FeatureCatalog.Default"/>.
    /// </remarks>
    public IFeatureLookup? Catalog { get; set; }

    /// <summary>Gets or sets the clock every recorder on the server reads.</summary>
    /// <remarks>
    /// When <see langword="null"/>, the host creates a <see cref="FakeTimeProvider"/>. Either way it is
    /// <see cref="RouteGuideTestHost.Time"/>, and it replaces any <see cref="TimeProvider"/> that
    /// <see cref="ConfigureServices"/> registered: time on the server moves only when the test advances it.
    /// </remarks>
    public FakeTimeProvider? Time { get; set; }

    /// <summary>Gets or sets the recorders' options; the application's own, or the defaults, when <see langword="null"/>.</summary>
    public RouteRecorderOptions? RecorderOptions { get; set; }

    /// <summary>Gets or sets the service's limits; the application's own, or the defaults, when <see langword="null"/>.</summary>
    public RouteGuideServiceOptions? ServiceOptions { get; set; }

    /// <summary>Gets or sets a callback that registers the application's own services.</summary>
    /// <remarks>
    /// Pass the registrations your <c>Program.cs</c> makes (your own <see cref="IRouteRecorderFactory"/>,
    /// interceptors, authentication, other gRPC services) to test the service as your application hosts it.
    /// It runs before <c>AddRouteGuideServer()</c>, whose defaults never replace a registration made here.
    /// </remarks>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Gets or sets a callback that builds the request pipeline and maps the endpoints.</summary>
    /// <remarks>
    /// When <see langword="null"/>, the host calls <c>app.MapRouteGuide()</c>. When set, it replaces that
    /// call: add your middleware and map the RouteGuide service yourself, as your <c>Program.cs</c> does
    /// (for instance <c>app.MapRouteGuide().RequireAuthorization()</c>).
    /// </remarks>
    public Action<WebApplication>? ConfigureApplication { get; set; }

    /// <summary>Gets or sets a callback that adjusts the server's gRPC options, such as message size limits.</summary>
    /// <remarks>
    /// The host sets <see cref="GrpcServiceOptions.MaxReceiveMessageSize"/> to
    /// <see cref="RouteGuideTestHost.DefaultMaxReceiveMessageSize"/> first; this runs after it and after
    /// <see cref="ConfigureServices"/>.
    /// </remarks>
    public Action<GrpcServiceOptions>? ConfigureGrpc { get; set; }

    /// <summary>Gets or sets a callback that adjusts the options of the host's channel before it is created.</summary>
    /// <remarks>
    /// <see cref="GrpcChannelOptions.HttpHandler"/> is already set: for <see cref="HostFlavour.Loopback"/>,
    /// the handler of <see cref="RouteGuideChannel.ForAddress(Uri, Action{GrpcChannelOptions}?)"/>; in memory,
    /// the TestServer's handler. Both carry the RecordRoute fast path
    /// (<see cref="RouteGuideChannel.WithRecordRouteFastPath"/>); replacing the handler drops it.
    /// </remarks>
    public Action<GrpcChannelOptions>? ConfigureChannel { get; set; }
}
