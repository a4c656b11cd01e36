using System.CommandLine;
using System.Globalization;
using System.Net;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli.Commands;

/// <summary>What <c>serve</c> does.</summary>
/// <param name="Port">The port on 127.0.0.1; 0 for any free port.</param>
/// <param name="CatalogPath">A <c>route_guide_db.json</c> file; the embedded catalog when null.</param>
/// <param name="Urls">ASP.NET Core URLs to listen on instead of 127.0.0.1:<paramref name="Port"/>.</param>
/// <param name="Redis">A Redis <c>host:port</c> where RouteChat's notes are kept, shared by every server using it; in memory when null.</param>
internal sealed record ServeSettings(int Port = ServeCommand.DefaultPort, string? CatalogPath = null, string? Urls = null, string? Redis = null);

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
            Description = "Listen on these URLs instead (separated by ';'), e.g. http://127.0.0.1:6000. http:// is HTTP/2 cleartext (h2c).",
            HelpName = "URL",
        };
        urls.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>() ?? string.Empty;
            var bad = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .DefaultIfEmpty(string.Empty)
                .FirstOrDefault(url => CliOptions.ParseTarget(url) is null);
            if (bad is not null)
            {
                result.AddError($"--urls must be http:// or https:// URLs such as http://127.0.0.1:6000, not '{bad}'.");
            }
        });

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

        var command = new Command("serve", "Host the RouteGuide service over HTTP/2 on 127.0.0.1 until Ctrl+C, logging each call.")
        {
            port,
            catalog,
            urls,
            redis,
        };
        command.Validators.Add(result =>
        {
            if (result.IsGiven(port) && result.IsGiven(urls))
            {
                result.AddError("give either --port or --urls, not both.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new ServeSettings(parseResult.GetValue(port), parseResult.GetValue(catalog), parseResult.GetValue(urls), parseResult.GetValue(redis)),
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
            await using var server = await InProcessServer.StartAsync(catalog, settings.Port, settings.Urls, logCalls: true, settings.Redis, cancellationToken);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Serving RouteGuide with {Quantity.Of(catalog.Count, "feature")} from {source}."));
            foreach (var address in server.Addresses)
            {
                output.WriteLine($"Listening on {address.Display()}");
            }

            output.WriteLine(settings.Redis is { } redisAddress
                ? $"RouteChat notes are kept in Redis at {redisAddress}, shared with every server using it."
                : "RouteChat notes are kept in this process's memory.");
            output.WriteLine("Press Ctrl+C to stop.");
            output.Flush();

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
}
