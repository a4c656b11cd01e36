using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RouteGuide.Cli.Tls;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli.Commands;

/// <summary>What <c>record</c> does.</summary>
/// <param name="Target">The server, or several instances of it.</param>
/// <param name="PointsPath">A JSON points file to send; or null to send a random route.</param>
/// <param name="RandomPoints">The length of the random route (when there is no file).</param>
/// <param name="Seed">Seed for the random route.</param>
/// <param name="Json">Print one JSON object instead of text.</param>
/// <param name="Client">The call's deadline and TLS files; none when null.</param>
internal sealed record RecordSettings(ServerTargets Target, string? PointsPath = null, int? RandomPoints = null, int? Seed = null, bool Json = false, ClientSettings? Client = null);

/// <summary><c>record</c>: streams a route to a RouteGuide server with RecordRoute and prints the summary.</summary>
internal static class RecordCommand
{
    public static Command Create()
    {
        var target = CliOptions.Target(required: true);
        var points = new Option<string>("--points")
        {
            Description = "Send the points in this JSON file: an array of {\"latitude\":..,\"longitude\":..} in E7 units (degrees × 10^7).",
            HelpName = "FILE.json",
        };
        var random = CliOptions.OptionalCount("--random", "Send a random route of N points (catalog features and random places).", minimum: 1);
        var seed = CliOptions.Seed();
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var client = new ClientOptions();

        var command = new Command("record", "Stream a route to a RouteGuide server with RecordRoute and print its summary.")
        {
            target,
            points,
            random,
            seed,
            json,
        };
        client.AddTo(command, target);
        command.Validators.Add(result =>
        {
            var file = result.IsGiven(points);
            var randomRoute = result.IsGiven(random);
            if (file == randomRoute)
            {
                result.AddError("give either --points FILE.json or --random N.");
            }
            else if (file && result.IsGiven(seed))
            {
                result.AddError("--seed goes with --random, not with --points.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new RecordSettings(
                parseResult.GetTargets(target)!,
                parseResult.GetValue(points),
                parseResult.GetValue(random),
                parseResult.GetValue(seed),
                parseResult.GetValue(json),
                client.Read(parseResult)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Sends the route and prints the summary.</summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(RecordSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var client = settings.Client ?? new ClientSettings();
        ClientTls? tls = null;
        try
        {
            Point[] route = settings.PointsPath is { } path
                ? PointsFile.Load(path)
                : RandomRoute.Create(RandomRoute.CreateRandom(settings.Seed), FeatureCatalog.Default, settings.RandomPoints);

            tls = client.LoadTls(settings.Target.First);
            using var channel = settings.Target.CreateChannel(tls: tls);
            var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route, client.CallDeadline(), cancellationToken);

            if (settings.Json)
            {
                var result = new RecordResultJson(route.Length, summary.PointCount, summary.FeatureCount, summary.Distance, summary.ElapsedTime);
                output.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.RecordResultJson));
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sent {Quantity.Of(route.Length, "point")} to {settings.Target.Display()}."));
                SummaryText.Write(output, summary);
            }

            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return Failures.Report(error, "record", e, settings.Target, client.Deadline, tls);
        }
    }
}
