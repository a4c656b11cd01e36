using System.Diagnostics.Metrics;
using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Testing.Internal;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Testing;

/// <summary>
/// Hosts the real <see cref="RouteGuideService"/> inside the test process, in memory or over loopback
/// HTTP/2, and hands out a client.
/// </summary>
/// <remarks>
/// <para>
/// The server is ASP.NET Core with <c>AddRouteGuideServer()</c> and <c>MapRouteGuide()</c>, as in an
/// application, or with the application's own registrations and pipeline
/// (<see cref="RouteGuideTestHostOptions.ConfigureServices"/>, <see cref="RouteGuideTestHostOptions.ConfigureApplication"/>).
/// Each host has its own catalog, clock, logs, call log and service instance, so tests may run in
/// parallel; start one per test and dispose it at the end (<c>await using</c>).
/// </para>
/// <para>
/// The host is hermetic: its configuration is empty (no <c>appsettings.json</c> found beside the tests,
/// no <c>ASPNETCORE_URLS</c> or other configuration from environment variables or the command line), it
/// writes its logs only to <see cref="Logs"/> (every level from <see cref="LogLevel.Debug"/> up), and over
/// loopback it listens on 127.0.0.1 only, on a free port.
/// </para>
/// </remarks>
public sealed class RouteGuideTestHost : IAsyncDisposable
{
    /// <summary>The server's limit on one received message, unless the test sets another: 4 MiB.</summary>
    /// <remarks>
    /// This is ASP.NET Core gRPC's own default, set explicitly so that tests can name it. A RecordRoute
    /// point is about 12 bytes on the wire; a larger message fails its call alone with <c>ResourceExhausted</c>.
    /// Change it with <see cref="RouteGuideTestHostOptions.ConfigureGrpc"/>.
    /// </remarks>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>How long <see cref="Eventually"/> waits before it gives up.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private readonly CallLog _calls;
    private readonly MetricCollector<long> _activeCalls;
    private int _stopped;

    private RouteGuideTestHost(WebApplication app, GrpcChannel channel, Uri address, FakeTimeProvider time, CallLog calls)
    {
        _app = app;
        _calls = calls;
        Channel = channel;
        Address = address;
        Time = time;
        Logs = app.Services.GetFakeLogCollector();
        Client = channel.CreateRouteGuideClient();
        Service = app.Services.GetRequiredService<RouteGuideService>();
        Policy = app.Services.GetRequiredService<RouteGuideCallPolicy>();
        _activeCalls = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), RouteGuideCallPolicy.MeterName, "routeguide.server.active_calls");
    }

    /// <summary>Gets the channel to the server.</summary>
    /// <remarks>The host owns it and disposes it. Create more clients over it, or raw calls for tests of the wire.</remarks>
    public GrpcChannel Channel { get; }

    /// <summary>Gets a RouteGuide client over <see cref="Channel"/>.</summary>
    /// <remarks>Call <c>RecordRoute</c> in one line with <c>Client.RecordRouteAsync(points)</c>.</remarks>
    public RouteGuideClient Client { get; }

    /// <summary>Gets the server's address.</summary>
    /// <remarks>
    /// Over loopback, a real <c>http://127.0.0.1:port</c> that other clients and processes can dial; in
    /// memory, the TestServer's placeholder, reachable only through <see cref="Channel"/>.
    /// </remarks>
    public Uri Address { get; }

    /// <summary>Gets the clock every recorder on the server reads.</summary>
    /// <remarks>It moves only when the test advances it, so a route's elapsed time is exactly what the test made it.</remarks>
    public FakeTimeProvider Time { get; }

    /// <summary>Gets every log record the server wrote, from <see cref="LogLevel.Debug"/> up.</summary>
    public FakeLogCollector Logs { get; }

    /// <summary>Gets the server's log records at <see cref="LogLevel.Error"/> or above, each as its message and exception.</summary>
    /// <remarks>A test that expects a clean run asserts that this is empty.</remarks>
    public IReadOnlyList<string> Errors =>
        Logs.GetSnapshot().Where(record => record.Level >= LogLevel.Error).Select(record => $"{record.Message} {record.Exception}").ToList();

    /// <summary>Gets the calls the server has finished handling so far, in the order they finished.</summary>
    /// <remarks>Each read is a snapshot. See <see cref="ObservedCall"/> for what is recorded and when.</remarks>
    public IReadOnlyList<ObservedCall> Calls => _calls.Snapshot();

    /// <summary>Gets the service instance that serves every call.</summary>
    /// <remarks>RouteChat's notes are not held here but in the registered <see cref="RouteGuide.Core.Notes.IRouteNoteStore"/> (see <see cref="Services"/>).</remarks>
    public RouteGuideService Service { get; }

    /// <summary>Gets the call policy every call of the service runs under.</summary>
    public RouteGuideCallPolicy Policy { get; }

    /// <summary>Gets the number of calls the server is handling right now.</summary>
    /// <remarks>
    /// Read from the policy's <c>routeguide.server.active_calls</c> instrument on this host's own meter
    /// (see <see cref="RouteGuideCallPolicy.MeterName"/>), so hosts running side by side do not mix.
    /// </remarks>
    public long ActiveCalls => _activeCalls.GetMeasurementSnapshot().Sum(m => m.Value);

    /// <summary>Gets the server's services, for anything the host does not surface itself.</summary>
    /// <remarks>
    /// For instance the application's own services, or its <c>IMeterFactory</c> to observe metrics with
    /// <c>MetricCollector&lt;T&gt;</c> from Microsoft.Extensions.Diagnostics.Testing.
    /// </remarks>
    public IServiceProvider Services => _app.Services;

    /// <summary>Gets a token that fires when the server starts shutting down (see <see cref="StopServerAsync"/>).</summary>
    public CancellationToken ServerStopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Starts a host that serves <see cref="RouteGuideService"/> with the default options.</summary>
    /// <param name="flavour">In memory or over loopback HTTP/2.</param>
    /// <param name="catalog">The features; <see cref="FeatureCatalog.Default"/> when <see langword="null"/>.</param>
    /// <returns>The started host; dispose it at the end of the test.</returns>
    public static Task<RouteGuideTestHost> StartAsync(HostFlavour flavour, IFeatureLookup? catalog = null) =>
        StartAsync(new RouteGuideTestHostOptions { Flavour = flavour, Catalog = catalog });

    /// <summary>Starts a host as <paramref name="options"/> describe.</summary>
    /// <param name="options">What to host and how.</param>
    /// <returns>The started host; dispose it at the end of the test.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="RouteGuideTestHostOptions.Flavour"/> is not a <see cref="HostFlavour"/>.</exception>
    public static async Task<RouteGuideTestHost> StartAsync(RouteGuideTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Flavour))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Flavour, $"{nameof(RouteGuideTestHostOptions)}.{nameof(RouteGuideTestHostOptions.Flavour)} is not a {nameof(HostFlavour)}.");
        }

        var time = options.Time ?? new FakeTimeProvider();
        var calls = new CallLog();
        var app = Build(options, time, calls);
        try
        {
            if (options.ConfigureApplication is { } configureApplication)
            {
                configureApplication(app);
            }
            else
            {
                app.MapRouteGuide();
            }

            await app.StartAsync().ConfigureAwait(false);
            var (channel, address) = Connect(app, options);
            return new RouteGuideTestHost(app, channel, address, time, calls);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until the service has no call in progress; fails after 20 seconds.</summary>
    /// <returns>A task that completes when <see cref="ActiveCalls"/> is zero.</returns>
    /// <exception cref="TimeoutException">A call was still in progress after 20 seconds.</exception>
    public Task WaitForNoActiveCallsAsync() => Eventually(() => ActiveCalls == 0, "the service has no active calls");

    /// <summary>Waits until <paramref name="condition"/> holds; fails after 20 seconds.</summary>
    /// <remarks>
    /// The condition is checked every few milliseconds, so a test observes what happened on the server
    /// instead of sleeping for a guessed time. The 20 seconds are a safety net against a hung test, not a
    /// measurement.
    /// </remarks>
    /// <param name="condition">What must become true.</param>
    /// <param name="what">The condition in words, for the failure message.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">The condition did not hold within 20 seconds.</exception>
    public async Task Eventually(Func<bool> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > WaitLimit)
            {
                throw new TimeoutException($"Expected {what} within {WaitLimit.TotalSeconds:0} seconds; the service has {ActiveCalls} active calls.");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Shuts the server down as a host does, while the channel stays open.</summary>
    /// <remarks>
    /// The server stops accepting calls, lets the calls in flight finish, and aborts those still running
    /// after <paramref name="grace"/>, so clients see what a real server going away looks like.
    /// Disposing the host afterwards is still required.
    /// </remarks>
    /// <param name="grace">How long calls in flight may run on before their connections are aborted.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopServerAsync(TimeSpan grace)
    {
        Interlocked.Exchange(ref _stopped, 1);
        using var timeout = new CancellationTokenSource(grace);
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Closes the channel and stops and disposes the server.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        _activeCalls.Dispose();
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync().ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplication Build(RouteGuideTestHostOptions options, FakeTimeProvider time, CallLog calls)
    {
        var builder = WebApplication.CreateSlimBuilder();

        // Hermetic: nothing from the test machine (appsettings.json beside the tests, ASPNETCORE_URLS, ...).
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();

        var services = builder.Services;
        services.AddSingleton(new CallLogInterceptor(calls));
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = DefaultMaxReceiveMessageSize;
            grpc.Interceptors.Add<CallLogInterceptor>();
        });
        options.ConfigureServices?.Invoke(services);
        Replace<TimeProvider>(services, time);
        if (options.Catalog is { } catalog)
        {
            Replace(services, catalog);
        }

        if (options.RecorderOptions is { } recorderOptions)
        {
            Replace(services, recorderOptions);
        }

        if (options.ServiceOptions is { } serviceOptions)
        {
            Replace(services, serviceOptions);
        }

        if (options.ConfigureGrpc is { } configureGrpc)
        {
            services.Configure(configureGrpc);
        }

        services.AddRouteGuideServer();

        if (options.Flavour == HostFlavour.InMemory)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        }

        return builder.Build();
    }

    private static void Replace<TService>(IServiceCollection services, TService instance)
        where TService : class
    {
        services.RemoveAll<TService>();
        services.AddSingleton(instance);
    }

    private static (GrpcChannel Channel, Uri Address) Connect(WebApplication app, RouteGuideTestHostOptions options)
    {
        if (options.Flavour == HostFlavour.InMemory)
        {
            var server = app.GetTestServer();
            var channelOptions = new GrpcChannelOptions
            {
                HttpHandler = RouteGuideChannel.WithRecordRouteFastPath(server.CreateHandler()),
                DisposeHttpClient = true,
            };
            options.ConfigureChannel?.Invoke(channelOptions);
            return (GrpcChannel.ForAddress(server.BaseAddress, channelOptions), server.BaseAddress);
        }

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return (RouteGuideChannel.ForAddress(address, options.ConfigureChannel), address);
    }
}
