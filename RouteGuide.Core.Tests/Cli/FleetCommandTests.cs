using System.Text.Json;
using RouteGuide.Cli;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Fleet;

namespace RouteGuide.Core.Tests.Cli;

/// <summary>The CLI on a fleet: client commands over several targets, and <c>serve --redis</c> sharing notes.</summary>
public class FleetCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Record_and_bench_spread_calls_over_targets_given_repeated_or_comma_separated()
    {
        await using var first = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        await using var second = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        var a = first.Address.ToString();
        var b = second.Address.ToString();

        var record = await CliRunner.RunAsync("record", "--target", $"{a},{b}", "--random", "40", "--seed", "3", "--json");
        var bench = await CliRunner.RunAsync("bench", "--target", a, "--target", b, "--points", "2000", "--calls", "8", "--warmup", "500");

        record.ExitCode.Should().Be(ExitCodes.Success, record.Error);
        JsonDocument.Parse(record.Output).RootElement.GetProperty("pointCount").GetInt32().Should().Be(40);
        bench.ExitCode.Should().Be(ExitCodes.Success, bench.Error);
        bench.Output.Should().Contain("spread round-robin over the instances").And.Contain("check      passed");
        (Served(first) + Served(second)).Should().Be(1 + 1 + 8, "the record call, the warm-up and the eight measured calls were each served once");
    }

    [Test]
    public async Task A_dns_name_spreads_calls_over_its_addresses()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);

        var result = await CliRunner.RunAsync("record", "--target", $"dns:///localhost:{host.Address.Port}", "--random", "5", "--json");

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        JsonDocument.Parse(result.Output).RootElement.GetProperty("pointCount").GetInt32().Should().Be(5);
    }

    [TestCase("record", "nonsense", "--target must be an http:// or https:// URL", "'nonsense'")]
    [TestCase("record", "http://127.0.0.1:1,", "--target must not be empty")]
    [TestCase("record", "http://127.0.0.1:1,https://127.0.0.1:2", "must all be http:// or all https://")]
    [TestCase("bench", "dns:///localhost:1,http://127.0.0.1:1", "stands alone")]
    [TestCase("bench", "dns:///localhost", "must be dns:///host:port", "'dns:///localhost'")]
    [TestCase("record", "http://127.0.0.1:1/a,http://127.0.0.1:2/a", "must have no path")]
    public async Task A_bad_target_is_one_line_naming_it(string command, string target, params string[] mentions)
    {
        string[] rest = command == "record" ? ["--random", "3"] : ["--points", "10"];

        var result = await CliRunner.RunAsync([command, "--target", target, .. rest]);

        result.ShouldFailWith(ExitCodes.InputError, mentions);
    }

    [TestCase("nonsense")]
    [TestCase("127.0.0.1:99999")]
    [TestCase(":6379")]
    public async Task A_bad_redis_address_is_one_line_naming_it(string redis)
    {
        var result = await CliRunner.RunAsync("serve", "--port", "0", "--redis", redis);

        result.ShouldFailWith(ExitCodes.InputError, "--redis must be host:port", $"'{redis}'");
    }

    [Test]
    public async Task Two_servers_given_the_same_redis_share_RouteChat_notes()
    {
        await using var redis = await RedisServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var (firstServing, first) = await ServeAsync(redis, stop.Token);
        var (secondServing, second) = await ServeAsync(redis, stop.Token);

        using var firstChannel = RouteGuideChannel.ForAddress(first);
        using var secondChannel = RouteGuideChannel.ForAddress(second);
        var here = new GeoPoint(5, 5);
        var onFirst = await RouteChatCalls.PostAsync(firstChannel.CreateRouteGuideClient(), here, "via the first server");
        var onSecond = await RouteChatCalls.PostAsync(secondChannel.CreateRouteGuideClient(), here, "via the second");

        onFirst.Should().BeEmpty();
        onSecond.Should().Equal("via the first server");
        await stop.CancelAsync();
        (await firstServing.WaitAsync(Patience)).Should().Be(ExitCodes.Success);
        (await secondServing.WaitAsync(Patience)).Should().Be(ExitCodes.Success);
    }

    private static async Task<(Task<int> Serving, string Address)> ServeAsync(RedisServer redis, CancellationToken stop)
    {
        var output = new ObservedWriter();
        var error = new ObservedWriter();
        var serving = RouteGuideCli.RunAsync(["serve", "--port", "0", "--redis", redis.Configuration], output, error, cancellationToken: stop);
        var listening = output.WaitForLineAsync(line => line.StartsWith("Listening on ", StringComparison.Ordinal) ? line["Listening on ".Length..] : null);
        var first = await Task.WhenAny(listening, serving).WaitAsync(Patience, CancellationToken.None);
        first.Should().BeSameAs(listening, "serve keeps running; it ended with stderr: {0}", error);
        await output.WaitForLineAsync(line => line.StartsWith("RouteChat notes are kept in Redis at " + redis.Configuration, StringComparison.Ordinal) ? line : null).WaitAsync(Patience, CancellationToken.None);
        return (serving, await listening);
    }

    private static int Served(RouteGuideTestHost host) => host.Logs.GetSnapshot().Count(record => record.Id.Name == "RouteRecorded");
}
