using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

public class ServeCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Serve_listens_answers_a_call_with_its_catalog_and_stops_on_cancellation()
    {
        using var files = new ScratchDirectory();
        var catalog = files.Write("catalog.json", """
            [{"location": {"latitude": 100, "longitude": 200}, "name": "A"},
             {"location": {"latitude": 300, "longitude": 400}, "name": "B"}]
            """);
        var route = files.Write("route.json", """[{"latitude":100,"longitude":200},{"latitude":5,"longitude":5},{"latitude":300,"longitude":400}]""");
        using var stop = new CancellationTokenSource();
        var output = new ObservedWriter();
        var error = new ObservedWriter();

        var serving = RouteGuideCli.RunAsync(["serve", "--port", "0", "--catalog", catalog], output, error, cancellationToken: stop.Token);
        var listening = output.WaitForLineAsync(line => line.StartsWith("Listening on ", StringComparison.Ordinal) ? line["Listening on ".Length..] : null);
        var first = await Task.WhenAny(listening, serving).WaitAsync(Patience);
        first.Should().BeSameAs(listening, "serve keeps running; it ended with stderr: {0}", error);
        var address = await listening;
        address.Should().MatchRegex(@"^http://127\.0\.0\.1:\d+$");

        var record = await CliRunner.RunAsync("record", "--target", address, "--points", route, "--json");

        record.ExitCode.Should().Be(ExitCodes.Success, record.Error);
        var summary = JsonDocument.Parse(record.Output).RootElement;
        summary.GetProperty("pointCount").GetInt32().Should().Be(3);
        summary.GetProperty("featureCount").GetInt32().Should().Be(2, "the route passes both features of the served catalog");

        await stop.CancelAsync();
        (await serving.WaitAsync(Patience)).Should().Be(ExitCodes.Success);
        output.ToString().Should().Contain("Serving RouteGuide with 2 features from").And.Contain("Stopping.");
        error.ToString().Should().BeEmpty();
    }

    [Test]
    public async Task Serve_on_a_port_already_taken_fails_in_one_line_on_stderr_and_logs_nothing_on_stdout()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

            // A process of its own: the host's log goes to the real stdout, which an in-process run does not capture.
            var result = await CliRunner.RunProcessAsync("serve", "--port", port);

            result.ShouldFailWith(ExitCodes.Failure, "routeguide serve: cannot listen on 127.0.0.1:" + port + ": the port is already in use");
            result.Output.Should().BeEmpty("the failure is reported once, on stderr, without the host's error log and its stack trace");
        }
        finally
        {
            taken.Stop();
        }
    }

    [Test]
    public async Task Serve_logs_each_call_in_one_line_and_counts_one_of_a_kind_in_the_singular()
    {
        using var files = new ScratchDirectory();
        var catalog = files.Write("catalog.json", """[{"location": {"latitude": 100, "longitude": 200}, "name": "A"}]""");
        var route = files.Write("route.json", """[{"latitude":100,"longitude":200}]""");

        // A process of its own: the call log goes to the real stdout, which an in-process run does not capture.
        using var serve = CliProcess.Start("serve", "--port", "0", "--catalog", catalog);
        var address = await serve.Output.WaitForLineAsync(line => line.StartsWith("Listening on ", StringComparison.Ordinal) ? line["Listening on ".Length..] : null)
            .WaitAsync(Patience);
        var logged = serve.Output.WaitForLineAsync(line => line.Contains("RecordRoute from", StringComparison.Ordinal) ? line : null);

        var record = await CliRunner.RunAsync("record", "--target", address, "--points", route);

        record.ExitCode.Should().Be(ExitCodes.Success, record.Error);
        record.Output.Should().Contain("Sent 1 point to " + address);
        var line = await logged.WaitAsync(Patience);
        line.Should().Contain("RecordRoute from ipv4:127.0.0.1:").And.Contain(" OK in ").And.EndWith(" ms: 1 point, 1 feature, 0 m");
        serve.Output.ToString().Should().Contain($"Serving RouteGuide with 1 feature from {catalog}.");
    }

    [Test]
    public async Task Serve_has_help()
    {
        var result = await CliRunner.RunAsync("serve", "--help");

        result.ExitCode.Should().Be(ExitCodes.Success);
        result.Output.Should().Contain("--port").And.Contain("--catalog").And.Contain("--urls")
            .And.Contain("--cert").And.Contain("--key").And.Contain("--client-ca")
            .And.Contain("--max-connections").And.Contain("--max-streams-per-connection").And.Contain("--keepalive-delay").And.Contain("--keepalive-timeout");
    }
}
