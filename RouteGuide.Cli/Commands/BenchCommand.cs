using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RouteGuide.Cli.Tls;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Cli.Commands;

/// <summary>What <c>bench</c> does.</summary>
/// <param name="Target">The server, or several instances of it; null with <paramref name="InProcess"/>.</param>
/// <param name="InProcess">Start a server in this process (127.0.0.1, free port, real HTTP/2) and use it.</param>
/// <param name="Points">Points per call.</param>
/// <param name="Calls">Concurrent calls, all on one channel (spread round-robin over several instances).</param>
/// <param name="Warmup">Points streamed in one uncounted call before measuring.</param>
/// <param name="Json">Print one JSON object with the results instead of text and progress.</param>
/// <param name="Client">Each call's deadline and the TLS files; none when null.</param>
internal sealed record BenchSettings(
    ServerTargets? Target, bool InProcess, int Points = BenchCommand.DefaultPoints, int Calls = 1, int Warmup = 0, bool Json = false, ClientSettings? Client = null);

/// <summary><c>bench</c>: RecordRoute throughput, checking that the server counted every point.</summary>
internal static class BenchCommand
{
    public const int DefaultPoints = 1_000_000;

    public const int DefaultWarmup = 500_000;

    public static Command Create()
    {
        var target = CliOptions.Target(required: false);
        var inProcess = new Option<bool>("--in-process")
        {
            Description = "Start a RouteGuide server in this process (127.0.0.1, a free port, HTTP/2 over TCP) and stream to it.",
        };
        var points = CliOptions.Count("--points", "Points to stream in each call.", minimum: 1, DefaultPoints);
        var calls = CliOptions.Count("--calls", "Concurrent calls, all on one channel.", minimum: 1, defaultValue: 1, helpName: "C");
        var warmup = CliOptions.Count(
            "--warmup", "Points streamed in one call before measuring, so that the code is compiled and the connection open; not counted (0 for none).", minimum: 0, DefaultWarmup);
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON object, without progress." };
        var client = new ClientOptions();

        var command = new Command("bench", "Measure RecordRoute throughput: stream N points in each of C concurrent calls and check every summary's count.")
        {
            target,
            inProcess,
            points,
            calls,
            warmup,
            json,
        };
        client.AddTo(command, target);
        command.Validators.Add(result =>
        {
            if (result.IsGiven(target) == result.GetValue(inProcess))
            {
                result.AddError("give either --target URL or --in-process.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return RunAsync(
                new BenchSettings(
                    parseResult.GetTargets(target),
                    parseResult.GetValue(inProcess),
                    parseResult.GetValue(points),
                    parseResult.GetValue(calls),
                    parseResult.GetValue(warmup),
                    parseResult.GetValue(json),
                    client.Read(parseResult)),
                output,
                parseResult.InvocationConfiguration.Error,
                interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected,
                cancellationToken);
        });
        return command;
    }

    /// <summary>Runs the benchmark.</summary>
    /// <param name="settings">What to run.</param>
    /// <param name="output">Progress and results.</param>
    /// <param name="error">The failure line, if any.</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal, where progress rewrites one line.</param>
    /// <param name="cancellationToken">Stops the benchmark.</param>
    /// <returns>The exit code: 1 when a call fails or a summary does not count exactly the points sent.</returns>
    public static async Task<int> RunAsync(BenchSettings settings, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken)
    {
        InProcessServer? server = null;
        var target = settings.Target;
        var client = settings.Client ?? new ClientSettings();
        ClientTls? tls = null;
        try
        {
            if (settings.InProcess)
            {
                server = await InProcessServer.StartAsync(FeatureCatalog.Default, cancellationToken: cancellationToken);
                target = ServerTargets.Single(server.Address);
            }

            if (target is null)
            {
                throw CommandException.Input("give either --target URL or --in-process.");
            }

            tls = client.LoadTls(target.First);
            return await RunCallsAsync(settings, target, tls, output, interactive, cancellationToken);
        }
        catch (Exception e)
        {
            return Failures.Report(error, "bench", e, target, client.Deadline, tls);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<int> RunCallsAsync(BenchSettings settings, ServerTargets target, ClientTls? tls, TextWriter stdout, bool interactive, CancellationToken cancellationToken)
    {
        // With --json, the text and the progress go nowhere and one JSON object is printed at the end.
        var output = settings.Json ? TextWriter.Null : stdout;
        var culture = CultureInfo.InvariantCulture;
        var client = settings.Client ?? new ClientSettings();
        var route = new BenchRoute(FeatureCatalog.Default);
        var progress = new long[settings.Calls];
        long total = (long)settings.Points * settings.Calls;
        var where = settings.InProcess ? $"{target.Display()} (server in this process)" : target.Display();
        var calling = settings.Calls == 1 ? "in 1 call" : string.Create(culture, $"in each of {settings.Calls:N0} concurrent calls on one channel");
        var spread = target.IsBalanced ? ", spread round-robin over the instances" : string.Empty;
        output.WriteLine(string.Create(culture, $"Streaming {Quantity.Of(settings.Points, "point")} {calling} to {where}{spread}."));
        output.Flush();

        using var channel = target.CreateChannel(tls: tls);
        var routeGuide = channel.CreateRouteGuideClient();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopProgress = new CancellationTokenSource();
        if (settings.Warmup > 0)
        {
            var warmed = await CallAsync(routeGuide, route.Points(settings.Warmup, new long[1], 0), client, failFast);
            if (warmed.PointCount != settings.Warmup)
            {
                throw new CommandException(ExitCodes.Failure, string.Create(
                    culture, $"{Servers(target)} did not count every point of the warm-up call: {warmed.PointCount:N0} of {settings.Warmup:N0} sent."));
            }

            output.WriteLine(string.Create(culture, $"Warmed up with {Quantity.Of(settings.Warmup, "point")} in one call (not counted below)."));
        }

        var reporter = settings.Json ? Task.CompletedTask : BenchProgress.RunAsync(output, interactive, progress, total, stopProgress.Token);

        var started = Stopwatch.GetTimestamp();
        var calls = new Task<RouteSummary>[settings.Calls];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = CallAsync(routeGuide, route.Points(settings.Points, progress, i), client, failFast);
        }

        try
        {
            await Task.WhenAll(calls);
        }
        catch
        {
            // Report the failure that stopped the others, not the cancellations it caused.
            var first = calls.Where(call => call.IsFaulted).Select(call => call.Exception!.InnerException!)
                .FirstOrDefault(e => e is not OperationCanceledException and not Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled });
            if (first is not null)
            {
                throw first;
            }

            throw;
        }
        finally
        {
            await stopProgress.CancelAsync();
            await reporter;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var sent = BenchProgress.Sent(progress);
        var bytes = route.PayloadBytes(settings.Points) * settings.Calls;
        var seconds = elapsed.TotalSeconds;
        output.WriteLine(string.Create(culture, $"Sent {Quantity.Of(sent, "point")} in {seconds:F2} s."));
        output.WriteLine(string.Create(culture, $"  points/s   {sent / seconds:N0}"));
        output.WriteLine(string.Create(culture, $"  MB/s       {bytes / 1e6 / seconds:N2}  ({bytes / 1e6:N1} MB: protobuf points plus {BenchRoute.FrameHeaderBytes}-byte gRPC frame headers; 1 MB = 10^6 bytes)"));
        output.WriteLine(string.Create(culture, $"  elapsed    {seconds:F2} s"));

        var miscounted = calls.Select((call, index) => (Index: index, Counted: call.Result.PointCount)).Where(c => c.Counted != settings.Points).ToArray();
        if (settings.Json)
        {
            var result = new BenchResultJson(
                target.Display(), settings.InProcess, settings.Calls, settings.Points, settings.Warmup, sent, bytes, Math.Round(seconds, 3),
                Math.Round(sent / seconds), Math.Round(bytes / 1e6 / seconds, 2), miscounted.Length == 0,
                [.. miscounted.Select(c => new MiscountedCallJson(c.Index + 1, c.Counted))]);
            stdout.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.BenchResultJson));
        }

        if (miscounted.Length == 0)
        {
            output.WriteLine(string.Create(culture, $"  check      passed: every summary counts exactly the {Quantity.Of(settings.Points, "point")} its call sent"));
            return ExitCodes.Success;
        }

        var details = string.Join(", ", miscounted.Select(c => string.Create(culture, $"call {c.Index + 1} counted {c.Counted:N0}")));
        output.WriteLine(string.Create(culture, $"  check      FAILED: {details} of {settings.Points:N0} sent"));
        throw new CommandException(ExitCodes.Failure, string.Create(
            culture, $"{Servers(target)} did not count every point: {details} of {settings.Points:N0} sent."));
    }

    private static string Servers(ServerTargets target) => target.IsBalanced ? $"the servers at {target.Display()}" : $"the server at {target.Display()}";

    private static async Task<RouteSummary> CallAsync(RouteGuideClient routeGuide, IEnumerable<Point> points, ClientSettings client, CancellationTokenSource failFast)
    {
        try
        {
            return await routeGuide.RecordRouteAsync(points, client.CallDeadline(), failFast.Token);
        }
        catch
        {
            // One failed call stops the others: the run is over.
            await failFast.CancelAsync();
            throw;
        }
    }
}
