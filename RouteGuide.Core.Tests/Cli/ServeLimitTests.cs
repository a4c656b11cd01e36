using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

/// <summary><c>serve</c>'s call-limit options: validated in one line, and applied to the service.</summary>
public class ServeLimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [TestCase("--idle-timeout", "-1", "from 0 to 2147483")]
    [TestCase("--max-route-duration", "2147484", "from 0 to 2147483")]
    [TestCase("--max-route-points", "0", "at least 1")]
    [TestCase("--max-route-points", "2147483648", "from 1 to 2147483647")]
    public async Task A_limit_out_of_range_is_a_usage_error_naming_the_option_and_the_range(string option, string value, string range)
    {
        var result = await CliRunner.RunAsync("serve", option, value);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide serve: {option} must be {range}, not {value}.");
    }

    [TestCase("--idle-timeout", "60s")]
    [TestCase("--max-route-duration", "1h")]
    [TestCase("--max-route-points", "lots")]
    public async Task A_limit_that_is_not_a_whole_number_is_a_usage_error(string option, string value)
    {
        var result = await CliRunner.RunAsync("serve", option, value);

        result.ShouldFailWith(ExitCodes.InputError, $"routeguide serve: {option} must be a whole number, not '{value}'.");
    }

    [Test]
    public async Task The_limits_and_their_defaults_are_in_the_help()
    {
        var result = await CliRunner.RunAsync("serve", "--help");

        result.ExitCode.Should().Be(ExitCodes.Success);
        result.Output.Should().MatchRegex(@"--idle-timeout <SECONDS> .*\[default: 60\]")
            .And.MatchRegex(@"--max-route-duration <SECONDS> .*\[default: 3600\]")
            .And.MatchRegex(@"--max-route-points <N> .*\[default: 2147483647\]")
            .And.MatchRegex(@"--max-connections <N> .*\[default: 1000\]");
    }

    [Test]
    public async Task A_route_over_the_served_point_limit_is_refused_and_one_within_it_is_answered()
    {
        using var files = new ScratchDirectory();
        var three = files.Write("three.json", """[{"latitude":1,"longitude":1},{"latitude":2,"longitude":2},{"latitude":3,"longitude":3}]""");
        var two = files.Write("two.json", """[{"latitude":1,"longitude":1},{"latitude":2,"longitude":2}]""");
        using var stop = new CancellationTokenSource();
        var output = new ObservedWriter();
        var error = new ObservedWriter();
        var serving = RouteGuideCli.RunAsync(["serve", "--port", "0", "--max-route-points", "2", "--idle-timeout", "0"], output, error, cancellationToken: stop.Token);
        try
        {
            var listening = output.WaitForLineAsync(line => line.StartsWith("Listening on ", StringComparison.Ordinal) ? line["Listening on ".Length..] : null);
            (await Task.WhenAny(listening, serving).WaitAsync(Patience)).Should().BeSameAs(listening, "serve keeps running; stderr: {0}", error);
            var address = await listening;

            var refused = await CliRunner.RunAsync("record", "--target", address, "--points", three);
            var answered = await CliRunner.RunAsync("record", "--target", address, "--points", two);

            refused.ExitCode.Should().NotBe(ExitCodes.Success);
            refused.Error.Should().Contain("at most 2 messages per call");
            answered.ExitCode.Should().Be(ExitCodes.Success, answered.Error);
        }
        finally
        {
            await stop.CancelAsync();
            await serving.WaitAsync(Patience);
        }
    }
}
