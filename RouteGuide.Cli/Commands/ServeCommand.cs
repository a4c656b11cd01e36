using System.CommandLine;
using System.Globalization;
using System.Net;
using RouteGuide.Cli.Tls;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli.Commands;

/// <summary>What <c>serve</c> does.</summary>
/// <param name="Port">The port on 127.0.0.1; 0 for any free port.</param>
/// <param name="CatalogPath">A <c>route_guide_db.json</c> file; the embedded catalog when null.</param>
/// <param name="Urls">ASP.NET Core URLs to listen on instead of 127.0.0.1:<paramref name="Port"/>.</param>
/// <param name="Redis">A Redis <c>host:port</c> where RouteChat's notes are kept, shared by every server using it; in memory when null.</param>
/// <param name="Tls">The server's certificate and key files, and the client CA file for mutual TLS; h2c when null.</param>
/// <param name="Limits">The connection and call limits; the libraries' defaults when null.</param>
internal sealed record ServeSettings(
    int Port = ServeCommand.DefaultPort, string? CatalogPath = null, string? Urls = null, string? Redis = null, ServeTlsFiles? Tls = null, ServeLimits? Limits = null);

/// <summary>The PEM files of <c>serve --cert --key [--client-ca]</c>.</summary>
internal sealed record ServeTlsFiles(string CertificatePath, string KeyPath, string? ClientCaPath = null);

/// <summary><c>serve</c>: hosts the RouteGuide service over HTTP/2 until Ctrl+C, logging each call.</summary>
internal static class ServeCommand
{
    public const int DefaultPort = 50051;

    public static Command Create()
    {
        var port = CliOptions.WholeNumber(
            new Option<int>("--port")
            {
                Description = "The port to listen on, on 127.0.0.1 (0 picks a free port).",
                HelpName = "P",
                DefaultValueFactory = _ => DefaultPort,
            },
            minimum: IPEndPoint.MinPort,
            maximum: IPEndPoint.MaxPort);
        var catalog = new Option<string>("--catalog")
        {
            Description = "The features, as a route_guide_db.json file (default: the embedded catalog).",
            HelpName = "FILE",
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Listen on these URLs instead (separated by ';'), e.g. http://127.0.0.1:6000. http:// is HTTP/2 cleartext (h2c); https:// needs --cert and --key.",
            HelpName = "URL",
        };
        urls.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>() ?? string.Empty;
            var bad = SplitUrls(value).DefaultIfEmpty(string.Empty).FirstOrDefault(url => CliOptions.ParseTarget(url) is null);
            if (bad is not null)
            {
                result.AddError($"--urls must be http:// or https:// URLs such as http://127.0.0.1:6000, not '{bad}'.");
            }
        });
        var certificate = new Option<string>("--cert")
        {
            Description = "Serve HTTPS (TLS) with this certificate, a PEM file (its chain may follow it); with --key.",
            HelpName = "FILE.pem",
        };
        var key = new Option<string>("--key") { Description = "The private key of --cert, a PEM file, not encrypted.", HelpName = "FILE.key" };
        var clientCa = new Option<string>("--client-ca")
        {
            Description = "Mutual TLS: require every client to present a certificate issued by a certificate authority in this PEM file.",
            HelpName = "FILE.pem",
        };

        var redis = new Option<string>("--redis")
        {
            Description = "Keep RouteChat's notes in the Redis at this address, shared by every server given the same one (default: in this process's memory).",
            HelpName = "HOST:PORT",
        };
        redis.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>() ?? string.Empty;
            if (!IsHostAndPort(value))
            {
                result.AddError($"--redis must be host:port such as 127.0.0.1:6379, not '{value}'.");
            }
        });

        var limits = new ServeLimitOptions();
        var command = new Command("serve", "Host the RouteGuide service over HTTP/2 on 127.0.0.1 until Ctrl+C, logging each call.")
        {
            port,
            catalog,
            urls,
            redis,
            certificate,
            key,
            clientCa,
        };
        limits.AddTo(command);
        command.Validators.Add(result =>
        {
            var tls = result.IsGiven(certificate);
            var https = SplitUrls(result.GetValue(urls) ?? string.Empty).Any(url => url.StartsWith("https:", StringComparison.OrdinalIgnoreCase));
            if (result.IsGiven(port) && result.IsGiven(urls))
            {
                result.AddError("give either --port or --urls, not both.");
            }
            else if (tls != result.IsGiven(key))
            {
                result.AddError("give --cert and --key together: the server's certificate and its private key, both PEM files.");
            }
            else if (result.IsGiven(clientCa) && !tls)
            {
                result.AddError("--client-ca needs --cert and --key: client certificates are checked only over TLS.");
            }
            else if (https && !tls)
            {
                result.AddError("an https:// URL in --urls needs --cert and --key.");
            }
            else if (tls && result.IsGiven(urls) && !https)
            {
                result.AddError("--cert and --key serve TLS, but every --urls URL is http://; give https:// URLs.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new ServeSettings(
                parseResult.GetValue(port),
                parseResult.GetValue(catalog),
                parseResult.GetValue(urls),
                parseResult.GetValue(redis),
                parseResult.GetValue(certificate) is { } certificatePath ? new ServeTlsFiles(certificatePath, parseResult.GetValue(key)!, parseResult.GetValue(clientCa)) : null,
                limits.Read(parseResult)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Whether <paramref name="value"/> is <c>host:port</c> with a port from 1 to 65535.</summary>
    private static bool IsHostAndPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0
            && !value[..colon].Any(char.IsWhiteSpace)
            && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number is > 0 and <= IPEndPoint.MaxPort;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled (Ctrl+C, SIGTERM).</summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(ServeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var catalog = settings.CatalogPath is { } path ? FeatureCatalog.Load(path) : FeatureCatalog.Default;
            var source = settings.CatalogPath is { } file ? file : "the embedded catalog";
            var tls = settings.Tls is { } files ? ServerTls.Load(files.CertificatePath, files.KeyPath, files.ClientCaPath) : null;
            var limits = settings.Limits ?? new ServeLimits();
            await using var server = await InProcessServer.StartAsync(
                catalog,
                settings.Port,
                settings.Urls,
                logCalls: true,
                settings.Redis,
                tls,
                configureServer: options =>
                {
                    limits.Apply(options);
                    options.EnableReflection = true;
                },
                limits.CallLimits(),
                cancellationToken);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Serving RouteGuide with {Quantity.Of(catalog.Count, "feature")} from {source}."));
            foreach (var address in server.Addresses)
            {
                output.WriteLine($"Listening on {address.Display()}");
                if (PlaintextWarning(address) is { } warning)
                {
                    error.WriteLine(warning);
                }
            }

            if (tls?.ClientAuthorities is not null)
            {
                output.WriteLine($"Clients must present a certificate issued by a certificate authority in {settings.Tls!.ClientCaPath}.");
            }

            output.WriteLine(settings.Redis is { } redisAddress
                ? $"RouteChat notes are kept in Redis at {redisAddress}, shared with every server using it."
                : "RouteChat notes are kept in this process's memory.");
            output.WriteLine("Press Ctrl+C to stop.");
            output.Flush();
            error.Flush();

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop normally.
            }

            output.WriteLine("Stopping.");
            output.Flush();
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return Failures.Report(error, "serve", e);
        }
    }

    private static string[] SplitUrls(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The warning for an address served in plaintext that other machines can reach; null for TLS or loopback.</summary>
    internal static string? PlaintextWarning(Uri address) => address.Scheme == Uri.UriSchemeHttp && !IsLoopback(address)
        ? $"routeguide serve: warning: {address.Display()} is plaintext HTTP/2 on an address other machines can reach: anyone on the way can read and change the calls. Serve TLS with --cert and --key."
        : null;

    /// <summary>Whether only this machine can reach <paramref name="address"/>: 127.0.0.0/8, ::1 or localhost.</summary>
    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
