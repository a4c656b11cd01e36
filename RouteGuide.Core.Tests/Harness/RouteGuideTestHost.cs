using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Tests.Harness;

/// <summary>
/// Hosts the real <see cref="RouteGuideService"/> inside the test process (ASP.NET Core, in memory or
/// over loopback HTTP/2) and hands out a client. Each instance has its own catalog, clock, options,
/// logs and service; dispose it at the end of the test.
/// </summary>
public sealed class RouteGuideTestHost : IAsyncDisposable
{
    /// <summary>
    /// The server's limit on one received message unless a test's <c>configureGrpc</c> sets another:
    /// 4 MiB, ASP.NET Core gRPC's own default, set explicitly so that it is visible here. A RecordRoute
    /// point is about 12 bytes on the wire, so a real point never comes near it; a larger message fails
    /// its call alone with <c>ResourceExhausted</c>.
    /// </summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    private readonly WebApplication _app;
    private int _stopped;

    private RouteGuideTestHost(WebApplication app, GrpcChannel channel, Uri address, FakeTimeProvider time, FakeLogCollector logs)
    {
        _app = app;
        Channel = channel;
        Address = address;
        Time = time;
        Logs = logs;
        Client = channel.CreateRouteGuideClient();
        Service = app.Services.GetRequiredService<RouteGuideService>();
        Policy = app.Services.GetRequiredService<RouteGuideCallPolicy>();
    }

    /// <summary>The channel to the server.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>A client over <see cref="Channel"/>.</summary>
    public RouteGuideClient Client { get; }

    /// <summary>The server's address (a placeholder for the in-memory flavour).</summary>
    public Uri Address { get; }

    /// <summary>The clock every recorder on the server reads; it moves only when a test advances it.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>Every log record the server wrote.</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>The service instance serving every call.</summary>
    public RouteGuideService Service { get; }

    /// <summary>The call policy every call runs under.</summary>
    public RouteGuideCallPolicy Policy { get; }

    /// <summary>Starts a host.</summary>
    /// <param name="flavour">In memory or over loopback.</param>
    /// <param name="catalog">The features; <see cref="FeatureCatalog.Default"/> when null.</param>
    /// <param name="recorderOptions">Recorder options; defaults when null.</param>
    /// <param name="serviceOptions">Service options; defaults when null.</param>
    /// <param name="configureGrpc">Adjusts the server's gRPC options (message size limits, ...).</param>
    /// <param name="configureChannel">Adjusts the client channel's options.</param>
    /// <param name="configureServices">Registers services before <c>AddRouteGuide</c>, which adds only what is missing (e.g. an <see cref="IRouteRecorderFactory"/> of the test's own).</param>
    /// <param name="wirePath">Whether RecordRoute's batch read and bulk write paths are on (the default) or off.</param>
    public static async Task<RouteGuideTestHost> StartAsync(
        HostFlavour flavour,
        IFeatureLookup? catalog = null,
        RouteRecorderOptions? recorderOptions = null,
        RouteGuideServiceOptions? serviceOptions = null,
        Action<Grpc.AspNetCore.Server.GrpcServiceOptions>? configureGrpc = null,
        Action<GrpcChannelOptions>? configureChannel = null,
        Action<IServiceCollection>? configureServices = null,
        WirePath wirePath = WirePath.Fast)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = DefaultMaxReceiveMessageSize;
            configureGrpc?.Invoke(options);
        });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(catalog ?? FeatureCatalog.Default);
        builder.Services.AddSingleton(recorderOptions ?? RouteRecorderOptions.Default);
        builder.Services.AddSingleton(serviceOptions ?? RouteGuideServiceOptions.Default);
        configureServices?.Invoke(builder.Services);
        if (wirePath == WirePath.Standard)
        {
            builder.Services.AddSingleton<IPointBatchReaderFactory>(NoPointBatchReaders.Instance);
        }

        builder.Services.AddRouteGuideServer();

        if (flavour == HostFlavour.InMemory)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        }

        var app = builder.Build();
        app.MapRouteGuide();
        await app.StartAsync();

        GrpcChannel channel;
        Uri address;
        if (flavour == HostFlavour.InMemory)
        {
            var server = app.GetTestServer();
            address = server.BaseAddress;
            var options = new GrpcChannelOptions { HttpHandler = server.CreateHandler() };
            configureChannel?.Invoke(options);
            channel = GrpcChannel.ForAddress(address, options);
        }
        else
        {
            address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            channel = CreateChannel(address, wirePath, configureChannel);
        }

        return new RouteGuideTestHost(app, channel, address, time, app.Services.GetFakeLogCollector()) { WirePath = wirePath };
    }

    /// <summary>Which way RecordRoute's points travel on this host and its channels.</summary>
    public WirePath WirePath { get; private init; }

    /// <summary>Another channel to this (loopback) server, on the host's <see cref="WirePath"/>; dispose it when done.</summary>
    public GrpcChannel CreateChannel() => CreateChannel(Address, WirePath);

    /// <summary>A channel (from <c>RouteGuideChannel.ForAddress</c>) to any server, with RecordRoute's bulk writes on or off as <paramref name="wirePath"/> says.</summary>
    public static GrpcChannel CreateChannel(Uri address, WirePath wirePath, Action<GrpcChannelOptions>? configureChannel = null) =>
        RouteGuideChannel.ForAddress(address, options =>
        {
            configureChannel?.Invoke(options);
            if (wirePath == WirePath.Standard && options.HttpHandler is CoalescingHandler fastPath)
            {
                fastPath.RefuseBulkWrites();
            }
        });

    /// <summary>Waits until the service has no call in progress, failing after 20 seconds.</summary>
    public Task WaitForNoActiveCallsAsync() => Eventually(() => Policy.ActiveCalls == 0, "the service has no active calls");

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking every few milliseconds, and fails
    /// after 20 seconds: the condition is observed, not assumed after a fixed sleep.
    /// </summary>
    public async Task Eventually(Func<bool> condition, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            TimeProvider.System.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(20), $"{what} within 20 seconds (service has {Policy.ActiveCalls} active calls)");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Shuts the server down as a host does (stop accepting, let in-flight calls finish) and aborts the
    /// calls still running after <paramref name="grace"/>. The channel stays open, so clients see what a
    /// real server going away looks like. Disposing the host afterwards is still required.
    /// </summary>
    /// <param name="grace">How long in-flight calls may run on before their connections are aborted.</param>
    public async Task StopServerAsync(TimeSpan grace)
    {
        Interlocked.Exchange(ref _stopped, 1);
        using var timeout = new CancellationTokenSource(grace);
        await _app.StopAsync(timeout.Token);
    }

    /// <summary>Fires when the server starts shutting down (see <see cref="StopServerAsync"/>).</summary>
    public CancellationToken ServerStopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The server's log records at <see cref="LogLevel.Error"/> or above.</summary>
    public IReadOnlyList<string> Errors => Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Message} {r.Exception}").ToList();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}
