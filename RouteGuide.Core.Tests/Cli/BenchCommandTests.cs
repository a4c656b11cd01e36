using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

public class BenchCommandTests
{
    [Test]
    public async Task An_in_process_run_reports_throughput_and_the_exact_count_check_as_passed()
    {
        var result = await CliRunner.RunAsync("bench", "--in-process", "--points", "20000", "--calls", "2", "--warmup", "3000");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Error.Should().BeEmpty();
        result.Output.Should().Contain("Warmed up with 3,000 points in one call (not counted below).");
        result.Output.Should().Contain("Sent 40,000 points in ");
        result.Output.Should().MatchRegex(@"(?m)^  points/s +[\d,]+$");
        result.Output.Should().MatchRegex(@"(?m)^  MB/s +[\d,]+\.\d\d ");
        result.Output.Should().MatchRegex(@"(?m)^  elapsed +[\d.]+ s$");
        result.Output.Should().Contain("check      passed: every summary counts exactly the 20,000 points its call sent");
        result.Output.Should().NotContain("\r", "progress rewrites a line only on a terminal");
    }

    [Test]
    public async Task With_json_a_run_prints_one_JSON_object_with_the_exact_counts_and_nothing_else()
    {
        var result = await CliRunner.RunAsync("bench", "--in-process", "--points", "2000", "--calls", "3", "--warmup", "100", "--json");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Error.Should().BeEmpty();
        result.Output.Trim().Split('\n').Should().ContainSingle("the output is one JSON object, without progress or text");
        var run = System.Text.Json.JsonDocument.Parse(result.Output).RootElement;
        run.GetProperty("target").GetString().Should().StartWith("http://127.0.0.1:");
        run.GetProperty("inProcess").GetBoolean().Should().BeTrue();
        run.GetProperty("calls").GetInt32().Should().Be(3);
        run.GetProperty("pointsPerCall").GetInt32().Should().Be(2000);
        run.GetProperty("warmupPoints").GetInt32().Should().Be(100);
        run.GetProperty("pointsSent").GetInt64().Should().Be(6000);
        run.GetProperty("payloadBytes").GetInt64().Should().Be(new BenchRoute(Core.Statistics.FeatureCatalog.Default).PayloadBytes(2000) * 3);
        run.GetProperty("elapsedSeconds").GetDouble().Should().BePositive();
        run.GetProperty("pointsPerSecond").GetDouble().Should().BePositive();
        run.GetProperty("checkPassed").GetBoolean().Should().BeTrue();
        run.GetProperty("miscounted").GetArrayLength().Should().Be(0);
    }

    [Test]
    public async Task A_one_point_run_speaks_of_one_point()
    {
        var result = await CliRunner.RunAsync("bench", "--in-process", "--points", "1", "--warmup", "1");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("Streaming 1 point in 1 call to ");
        result.Output.Should().Contain("Warmed up with 1 point in one call (not counted below).");
        result.Output.Should().Contain("Sent 1 point in ");
        result.Output.Should().Contain("check      passed: every summary counts exactly the 1 point its call sent");
    }

    [Test]
    public void The_payload_is_each_points_protobuf_size_plus_a_5_byte_frame_header()
    {
        var route = new BenchRoute(Core.Statistics.FeatureCatalog.Default, poolSize: 16);
        var progress = new long[1];

        var points = route.Points(40, progress, 0).ToArray();

        route.PayloadBytes(40).Should().Be(points.Sum(p => (long)p.CalculateSize() + 5));
        progress[0].Should().Be(40);
    }

    [Test]
    public async Task Bench_has_help()
    {
        var result = await CliRunner.RunAsync("bench", "--help");

        result.ExitCode.Should().Be(ExitCodes.Success);
        result.Output.Should().Contain("--in-process").And.Contain("--calls").And.Contain("--warmup");
    }
}
