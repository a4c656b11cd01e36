using System.CommandLine;
using System.Globalization;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli.Commands;

/// <summary>What <c>demo</c> does.</summary>
/// <param name="Seed">Seed for the random route; a different route every time when null.</param>
/// <param name="Points">The number of points; 2 to 101 at random when null.</param>
internal sealed record DemoSettings(int? Seed = null, int? Points = null);

/// <summary>
/// <c>demo</c>, also what runs with no arguments: the original RouteGuide client's RecordRoute scenario
/// against a server started in this process.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var seed = CliOptions.Seed();
        var points = CliOptions.OptionalCount(
            "--points", $"The number of points in the route (default: {RandomRoute.MinLength} to {RandomRoute.MaxLength} at random).", minimum: 1);
        var command = new Command(
            "demo",
            "Start a RouteGuide server in this process, send it a random route with RecordRoute and show the summary. Runs when no command is given.")
        {
            seed,
            points,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new DemoSettings(parseResult.GetValue(seed), parseResult.GetValue(points)),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    /// <summary>Runs the demo.</summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(DemoSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Uri? address = null;
        try
        {
            var catalog = FeatureCatalog.Default;
            await using var server = await InProcessServer.StartAsync(catalog, cancellationToken: cancellationToken);
            address = server.Address;
            var route = RandomRoute.Create(RandomRoute.CreateRandom(settings.Seed), catalog, settings.Points);

            using var channel = RouteGuideChannel.ForAddress(address);
            var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route, cancellationToken: cancellationToken);

            var seed = settings.Seed is { } value ? string.Create(CultureInfo.InvariantCulture, $" (seed {value})") : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RouteGuide server started on {address.Display()} with {Quantity.Of(catalog.Count, "known feature")}."));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sent a random route of {Quantity.Of(route.Length, "point")}{seed}."));
            SummaryText.Write(output, summary);
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return Failures.Report(error, "demo", e, address);
        }
    }
}
