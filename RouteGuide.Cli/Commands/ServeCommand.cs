using System.CommandLine;
using System.Globalization;
using System.Net;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli.Commands;

/// <summary>What <c>serve</c> does.</summary>
/// <param name="Port">The port on 127.0.0.1; 0 for any free port.</param>
/// <param name="CatalogPath">A <c>route_guide_db.json</c> file; the embedded catalog when null.</param>
/// <param name="Urls">ASP.NET Core URLs to listen on instead of 127.0.0.1:<paramref name="Port"/>.</param>
/// <param name="Limits">The service's call limits (<c>--idle-timeout</c>, <c>--max-route-duration</c>, <c>--max-route-points</c>); the defaults when null.</param>
internal sealed record ServeSettings(int Port = ServeCommand.DefaultPort, string? CatalogPath = null, string? Urls = null, RouteGuideServiceOptions? Limits = null);

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

        var limits = new ServeLimitOptions();
        var command = new Command("serve", "Host the RouteGuide service over HTTP/2 on 127.0.0.1 until Ctrl+C, logging each call.")
        {
            port,
            catalog,
            urls,
        };
        limits.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.IsGiven(port) && result.IsGiven(urls))
            {
                result.AddError("give either --port or --urls, not both.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new ServeSettings(parseResult.GetValue(port), parseResult.GetValue(catalog), parseResult.GetValue(urls), limits.Read(parseResult)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled (Ctrl+C, SIGTERM).</summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(ServeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var catalog = settings.CatalogPath is { } path ? FeatureCatalog.Load(path) : FeatureCatalog.Default;
            var source = settings.CatalogPath is { } file ? file : "the embedded catalog";
            await using var server = await InProcessServer.StartAsync(catalog, settings.Port, settings.Urls, logCalls: true, settings.Limits, cancellationToken);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Serving RouteGuide with {Quantity.Of(catalog.Count, "feature")} from {source}."));
            foreach (var address in server.Addresses)
            {
                output.WriteLine($"Listening on {address.Display()}");
            }

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
