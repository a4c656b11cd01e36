using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RouteGuide.Cli.Tls;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.Redis;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli;

/// <summary>
/// The RouteGuide service hosted in this process by ASP.NET Core and Kestrel, over HTTP/2 only (h2c for
/// http:// addresses). <c>demo</c> and <c>bench --in-process</c> run one on 127.0.0.1 with a free port;
/// <c>serve</c> runs one until it is stopped.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    /// <summary>The log category of the generic host's own events (Microsoft.Extensions.Hosting.Internal.Host).</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting";

    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, IReadOnlyList<Uri> addresses)
    {
        _app = app;
        Addresses = addresses;
    }

    /// <summary>Every address the server listens on, with the actual port when port 0 was asked for.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first address the server listens on.</summary>
    public Uri Address => Addresses[0];

    /// <summary>Starts a server.</summary>
    /// <param name="catalog">The features the service knows.</param>
    /// <param name="port">The port on 127.0.0.1; 0 for any free port. Ignored when <paramref name="urls"/> is given.</param>
    /// <param name="urls">ASP.NET Core URLs to listen on instead (separated by ';'), e.g. <c>http://127.0.0.1:6000</c>.</param>
    /// <param name="logCalls">Log each call, in one line, on the console; otherwise log nothing.</param>
    /// <param name="redis">Keep RouteChat's notes in the Redis at this <c>host:port</c>, shared with other servers using it; in this process's memory when null.</param>
    /// <param name="tls">Serve HTTPS with this certificate (every address when <paramref name="urls"/> is null, its https:// ones otherwise); null for h2c.</param>
    /// <param name="configureServer">Sets the connection limits and services; the defaults of <see cref="RouteGuideServerOptions"/> otherwise.</param>
    /// <param name="callLimits">The service's call limits (idle timeout, route duration and points); the defaults of <see cref="RouteGuideServiceOptions"/> when null.</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    /// <exception cref="CommandException">The server cannot listen where asked (exit code 1).</exception>
    public static async Task<InProcessServer> StartAsync(
        IFeatureLookup catalog,
        int port = 0,
        string? urls = null,
        bool logCalls = false,
        string? redis = null,
        ServerTls? tls = null,
        Action<RouteGuideServerOptions>? configureServer = null,
        RouteGuideServiceOptions? callLimits = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (logCalls)
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter(CallLoggingInterceptor.Category, LogLevel.Information);

            // The host logs a failed start or stop, with its stack trace, and then throws the same exception,
            // which the command reports in one line on stderr: the log would only repeat it on stdout.
            builder.Logging.AddFilter(HostCategory, LogLevel.None);
        }

        // When the server stops, calls still streaming end at once with Unavailable (RouteGuideCallPolicy);
        // calls that already half-closed get up to ten seconds to send their answer, then their connection is closed.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddGrpc(grpc =>
        {
            if (logCalls)
            {
                grpc.Interceptors.Add<CallLoggingInterceptor>();
            }
        });
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(callLimits ?? RouteGuideServiceOptions.Default);
        builder.Services.AddRouteGuideServer(configureServer ?? (_ => { }));
        if (redis is not null)
        {
            builder.Services.AddRouteGuideRedisNotes(redis);
        }

        if (tls is not null)
        {
            // The slim builder leaves out HTTPS for configured URLs unless asked.
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        if (urls is null)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (tls is not null)
                {
                    listen.UseHttps(tls.Apply);
                }
            }));
        }
        else
        {
            builder.WebHost.UseUrls(urls);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
                if (tls is not null)
                {
                    kestrel.ConfigureHttpsDefaults(tls.Apply);
                }
            });
        }

        var app = builder.Build();
        app.MapRouteGuide();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (urls is null && e.InnerException is AddressInUseException)
        {
            await app.DisposeAsync();
            throw new CommandException(
                ExitCodes.Failure,
                $"cannot listen on 127.0.0.1:{port}: the port is already in use; stop what listens there, or choose another --port (0 picks a free one).",
                e);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UriFormatException)
        {
            await app.DisposeAsync();
            var where = urls ?? $"127.0.0.1:{port}";
            throw new CommandException(ExitCodes.Failure, $"cannot listen on {where}: {e.Message}", e);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(address => new Uri(address, UriKind.Absolute))
            .ToArray() ?? [];
        return new InProcessServer(app, addresses);
    }

    /// <summary>Stops the server: calls still open get a short grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
