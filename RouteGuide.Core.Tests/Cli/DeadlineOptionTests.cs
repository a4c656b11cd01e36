using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

/// <summary><c>--deadline</c> of <c>record</c> and <c>bench</c>.</summary>
public class DeadlineOptionTests
{
    [Test]
    public async Task Record_against_a_server_that_never_answers_stops_at_the_deadline()
    {
        using var silent = SilentServer.Start();

        var result = await CliRunner.RunAsync("record", "--target", silent.Address, "--random", "3", "--deadline", "300ms");

        result.ShouldFailWith(ExitCodes.Failure, $"routeguide record: the call to the RouteGuide server at {silent.Address} did not finish within --deadline 300 ms.");
    }

    [Test]
    public async Task Bench_against_a_server_that_never_answers_stops_at_the_deadline()
    {
        using var silent = SilentServer.Start();

        var result = await CliRunner.RunAsync("bench", "--target", silent.Address, "--points", "10", "--warmup", "0", "--deadline", "0.5");

        result.ShouldFailWith(ExitCodes.Failure, $"routeguide bench: the call to the RouteGuide server at {silent.Address} did not finish within --deadline 500 ms.");
    }

    [Test]
    public async Task A_call_that_finishes_within_its_deadline_gets_its_summary()
    {
        await using var serve = await ServingCli.StartAsync("--port", "0");

        var result = await CliRunner.RunAsync("record", "--target", serve.Address, "--random", "5", "--seed", "3", "--deadline", "1m");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("Sent 5 points to ").And.Contain("  points            5");
    }

    [TestCase("record", "0")]
    [TestCase("record", "0s")]
    [TestCase("record", "soon")]
    [TestCase("record", "5x")]
    [TestCase("record", "25h")]
    [TestCase("bench", "1.5.2s")]
    public async Task A_deadline_that_is_not_a_positive_time_is_a_usage_error(string command, string value)
    {
        string[] rest = command == "record" ? ["--target", "http://127.0.0.1:1", "--random", "3"] : ["--in-process"];

        var result = await CliRunner.RunAsync([command, .. rest, "--deadline", value]);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide {command}: --deadline must be a positive time such as 30s, 500ms, 2m or 1h, not '{value}'.");
    }

    [TestCase("30", 30_000)]
    [TestCase("30s", 30_000)]
    [TestCase("500ms", 500)]
    [TestCase("2m", 120_000)]
    [TestCase("1h", 3_600_000)]
    [TestCase("0.25s", 250)]
    public void Durations_are_read_with_their_unit(string text, int milliseconds)
    {
        CliOptions.ParseDuration(text).Should().Be(TimeSpan.FromMilliseconds(milliseconds));
    }

    /// <summary>A TCP server on 127.0.0.1 that accepts connections and never sends a byte, until disposed.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        private SilentServer(TcpListener listener)
        {
            _listener = listener;
            _ = AcceptAsync();
        }

        public string Address => "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        public static SilentServer Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new SilentServer(listener);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(socket => socket.Dispose());
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Disposed.
            }
        }
    }
}
