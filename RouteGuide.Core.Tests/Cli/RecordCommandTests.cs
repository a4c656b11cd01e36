using System.Text.Json;
using RouteGuide.Cli;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Cli;

public class RecordCommandTests
{
    private ScratchDirectory _files = null!;
    private RouteGuideTestHost _host = null!;

    [SetUp]
    public async Task StartServer()
    {
        _files = new ScratchDirectory();
        _host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
    }

    [TearDown]
    public async Task StopServer()
    {
        await _host.DisposeAsync();
        _files.Dispose();
    }

    private string Target => _host.Address.ToString();

    [Test]
    public async Task A_points_file_is_sent_and_the_summary_printed()
    {
        var eiffel = FeatureCatalog.Default.Features[0].Location;
        var file = _files.Write("route.json", $$"""
            [
              {"latitude": {{eiffel.Latitude}}, "longitude": {{eiffel.Longitude}}},
              {"latitude": 1, "longitude": 1},
              {"latitude": 2, "longitude": 2}
            ]
            """);

        var result = await CliRunner.RunAsync("record", "--target", Target, "--points", file);

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("Sent 3 points to http://127.0.0.1:");
        result.Output.Should().MatchRegex(@"(?m)^  points +3$").And.MatchRegex(@"(?m)^  features passed +1$");
    }

    [Test]
    public async Task A_random_route_with_a_seed_is_reproducible_and_json_reads_back()
    {
        var result = await CliRunner.RunAsync("record", "--target", Target, "--random", "40", "--seed", "5", "--json");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;
        var expected = Routes.RecordLocally(RandomRoute.Create(new Random(5), FeatureCatalog.Default, 40), FeatureCatalog.Default);
        json.GetProperty("pointsSent").GetInt32().Should().Be(40);
        json.GetProperty("pointCount").GetInt32().Should().Be(40);
        json.GetProperty("featureCount").GetInt32().Should().Be((int)expected.FeatureCount);
        json.GetProperty("distanceMetres").GetInt32().Should().Be(expected.ToSummary().Distance);
        json.GetProperty("elapsedSeconds").GetInt32().Should().Be(0, "the test host's clock does not move");
        result.Output.Trim().Split('\n').Should().ContainSingle("--json prints one JSON object on one line");
    }

    [Test]
    public async Task A_one_point_route_is_one_point_not_one_points()
    {
        var result = await CliRunner.RunAsync("record", "--target", Target, "--random", "1");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("Sent 1 point to http://127.0.0.1:");
    }

    [Test]
    public async Task Json_output_of_a_points_file_counts_what_was_sent()
    {
        var file = _files.Write("route.json", """[{"latitude":1,"longitude":2},{"latitude":3,"longitude":4}]""");

        var result = await CliRunner.RunAsync("record", "--target", Target, "--points", file, "--json");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;
        json.GetProperty("pointsSent").GetInt32().Should().Be(2);
        json.GetProperty("pointCount").GetInt32().Should().Be(2);
    }

    [Test]
    public async Task Record_has_help()
    {
        var result = await CliRunner.RunAsync("record", "--help");

        result.ExitCode.Should().Be(ExitCodes.Success);
        result.Output.Should().Contain("--target").And.Contain("--points").And.Contain("--random").And.Contain("--json");
    }
}
