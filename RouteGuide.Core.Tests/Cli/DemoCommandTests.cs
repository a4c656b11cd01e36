using System.Text.RegularExpressions;
using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

public class DemoCommandTests
{
    [Test]
    public async Task Demo_with_a_seed_and_a_point_count_prints_a_summary_of_that_many_points()
    {
        var result = await CliRunner.RunAsync("demo", "--seed", "7", "--points", "25");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Error.Should().BeEmpty();
        result.Output.Should().Contain("Sent a random route of 25 points (seed 7).");
        SummaryValue(result.Output, "points").Should().Be("25");
        SummaryValue(result.Output, "features passed").Should().MatchRegex(@"^\d+$");
        SummaryValue(result.Output, "distance").Should().MatchRegex(@"^[\d,]+\.\d km \([\d,]+ m\)$");
        SummaryValue(result.Output, "elapsed").Should().MatchRegex(@"^\d+ s$");
    }

    [Test]
    public async Task A_one_point_route_is_one_point_not_one_points()
    {
        var result = await CliRunner.RunAsync("demo", "--seed", "3", "--points", "1");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("Sent a random route of 1 point (seed 3).");
        result.Output.Should().MatchRegex(@"with [\d,]+ known features\.", "the catalog has many features");
        SummaryValue(result.Output, "points").Should().Be("1");
    }

    [Test]
    public async Task The_same_seed_gives_the_same_route_and_summary()
    {
        var first = await CliRunner.RunAsync("demo", "--seed", "11");
        var second = await CliRunner.RunAsync("demo", "--seed", "11");

        first.ExitCode.Should().Be(ExitCodes.Success, first.Error);
        second.ExitCode.Should().Be(ExitCodes.Success, second.Error);
        var points = int.Parse(SummaryValue(first.Output, "points"), System.Globalization.CultureInfo.InvariantCulture);
        points.Should().BeInRange(RandomRoute.MinLength, RandomRoute.MaxLength);
        SummaryValue(second.Output, "points").Should().Be(SummaryValue(first.Output, "points"));
        SummaryValue(second.Output, "features passed").Should().Be(SummaryValue(first.Output, "features passed"));
        SummaryValue(second.Output, "distance").Should().Be(SummaryValue(first.Output, "distance"));
    }

    [Test]
    public async Task No_arguments_runs_the_demo()
    {
        var result = await CliRunner.RunAsync();

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("RouteGuide server started on http://127.0.0.1:").And.Contain("Route summary:");
    }

    [Test]
    public async Task Demo_has_help()
    {
        var result = await CliRunner.RunAsync("demo", "--help");

        result.ExitCode.Should().Be(ExitCodes.Success);
        result.Output.Should().Contain("--seed").And.Contain("--points");
    }

    private static string SummaryValue(string output, string name)
    {
        var match = Regex.Match(output, $@"^  {Regex.Escape(name)} +(.+)$", RegexOptions.Multiline);
        match.Success.Should().BeTrue($"the summary has a '{name}' line in:\n{output}");
        return match.Groups[1].Value.TrimEnd('\r');
    }
}
