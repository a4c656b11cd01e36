using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RouteGuide.Cli;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Redis;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using StackExchange.Redis;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Tests.Fleet;

/// <summary>
/// Three server instances in one test, over real HTTP/2 on loopback, sharing RouteChat's notes through a
/// real redis-server: calls balanced round-robin by Grpc.Net.Client (as the CLI's client commands do),
/// notes shared, caps held under a flood, and a Redis outage that only RouteChat notices.
/// </summary>
[Category("Long")]
public class FleetTests
{
    private const int Instances = 3;
    private const string NoteStoreUnreachable = "note store is unreachable";

    private RedisServer _redis = null!;
    private readonly List<RouteGuideTestHost> _fleet = [];

    [SetUp]
    public async Task StartRedis() => _redis = await RedisServer.StartAsync();

    [TearDown]
    public async Task StopFleetAndRedis()
    {
        foreach (var host in _fleet)
        {
            await host.DisposeAsync();
        }

        _fleet.Clear();
        await _redis.DisposeAsync();
    }

    [Test]
    public async Task Three_hundred_RecordRoute_calls_are_balanced_round_robin_and_every_summary_is_exact()
    {
        await StartFleetAsync();

        // The fast path's handler, as RouteGuideChannel builds it, observed: the balancer must keep it.
        var fastPath = new CoalescingHandler(new SocketsHttpHandler());
        using var channel = BalancedChannel(options => options.HttpHandler = fastPath);
        var client = channel.CreateRouteGuideClient();

        var calls = Enumerable.Range(0, 300).Select(async seed =>
        {
            var route = Routes.Random(seed, FeatureCatalog.Default);
            var summary = await client.RecordRouteAsync(route, deadline: DateTime.UtcNow.AddMinutes(1));
            return (Expected: Routes.RecordLocally(route, FeatureCatalog.Default), Summary: summary);
        });
        var results = await Task.WhenAll(calls);

        foreach (var (expected, summary) in results)
        {
            var wire = expected.ToSummary();
            summary.PointCount.Should().Be(wire.PointCount);
            summary.FeatureCount.Should().Be(wire.FeatureCount);
            summary.Distance.Should().Be(wire.Distance);
        }

        var served = _fleet.Select(RecordRouteCallsServed).ToArray();
        TestContext.Out.WriteLine($"RecordRoute calls served per instance: {string.Join(", ", served)}.");
        served.Sum().Should().Be(300);
        served.Should().OnlyContain(count => count > 0, "round-robin gives every instance some of the calls");
        fastPath.Counters.WrappedRequests.Should().Be(300, "every RecordRoute call of the balanced channel took the fast path");
    }

    [Test]
    public async Task A_note_posted_on_one_instance_is_delivered_on_the_other_two()
    {
        await StartFleetAsync();
        var here = new GeoPoint(407_838_351, -746_143_763);

        var onFirst = await ChatAsync(_fleet[0].Client, here, "left on instance 0");
        var onSecond = await ChatAsync(_fleet[1].Client, here, "left on instance 1");
        var onThird = await ChatAsync(_fleet[2].Client, here, "left on instance 2");

        onFirst.Should().BeEmpty();
        onSecond.Should().Equal("left on instance 0");
        onThird.Should().Equal("left on instance 0", "left on instance 1");
    }

    [Test]
    public async Task The_caps_hold_in_Redis_under_a_hundred_thousand_note_flood_over_three_instances()
    {
        const int Notes = 100_000;
        const int Calls = 25;
        const int Locations = 300;
        var caps = new RouteGuideServiceOptions { MaxNotesPerLocation = 5, MaxNotes = 1_000 };
        var prefix = await StartFleetAsync(caps);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var database = redis.GetDatabase();
        var order = (RedisKey)$"{{{prefix}}}:order";

        // While the flood runs, the total stored is sampled; the sampling stops with the flood (or at 2 minutes).
        using var flooding = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var samples = new List<long>();
        var sampler = Task.Run(async () =>
        {
            while (!flooding.IsCancellationRequested)
            {
                samples.Add(await database.SortedSetLengthAsync(order));
                await Task.Delay(20, CancellationToken.None);
            }
        });

        var started = Stopwatch.GetTimestamp();
        var floods = Enumerable.Range(0, Calls).Select(call => FloodAsync(
            _fleet[call % Instances].Client,
            Enumerable.Range(0, Notes / Calls).Select(i => (call * (Notes / Calls)) + i)
                .Select(n => (new GeoPoint(n % Locations, 7), n.ToString(CultureInfo.InvariantCulture)))));
        var replies = await Task.WhenAll(floods);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await flooding.CancelAsync();
        await sampler;

        TestContext.Out.WriteLine($"{Notes:N0} notes in {elapsed.TotalSeconds:F1} s over {Instances} instances; {samples.Count} samples of the total stored.");
        ((long)await database.StringGetAsync($"{{{prefix}}}:seq")).Should().Be(Notes, "every note was stored once");
        replies.Sum().Should().BeLessThanOrEqualTo((long)Notes * caps.MaxNotesPerLocation, "no note is answered with more than its location's cap");
        samples.Should().NotBeEmpty().And.OnlyContain(total => total <= caps.MaxNotes);
        (await database.SortedSetLengthAsync(order)).Should().Be(caps.MaxNotes);

        long stored = 0;
        for (var location = 0; location < Locations; location++)
        {
            var atLocation = await database.ListLengthAsync($"{{{prefix}}}:at:{location}:7");
            atLocation.Should().BeLessThanOrEqualTo(caps.MaxNotesPerLocation);
            stored += atLocation;
        }

        stored.Should().Be(caps.MaxNotes, "the location lists hold exactly the notes the order set counts");
    }

    [Test]
    public async Task Redis_killed_mid_run_makes_only_RouteChat_unavailable_and_RouteChat_recovers_after_a_restart()
    {
        await StartFleetAsync();
        var here = new GeoPoint(1, 1);
        (await ChatAsync(_fleet[0].Client, here, "before the outage")).Should().BeEmpty();

        using var channel = BalancedChannel();
        var client = channel.CreateRouteGuideClient();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var recorded = 0;
        var recording = Task.Run(async () =>
        {
            // Bounded: at most 5,000 calls or 2 minutes, whichever comes first; stopped when the test is done.
            for (var seed = 0; seed < 5_000 && !stop.IsCancellationRequested; seed++)
            {
                var route = Routes.Random(seed, FeatureCatalog.Default);
                var summary = await client.RecordRouteAsync(route, deadline: DateTime.UtcNow.AddSeconds(30));
                summary.PointCount.Should().Be(route.Length);
                Interlocked.Increment(ref recorded);
            }
        });
        await WaitForAsync(() => Volatile.Read(ref recorded) >= 10, "RecordRoute calls before the outage");

        await _redis.KillAsync();
        var recordedAtKill = Volatile.Read(ref recorded);

        foreach (var host in _fleet)
        {
            var chat = () => ChatAsync(host.Client, here, "during the outage");
            var failure = (await chat.Should().ThrowAsync<RpcException>()).Which;
            failure.StatusCode.Should().Be(StatusCode.Unavailable);
            failure.Status.Detail.Should().Contain(NoteStoreUnreachable);
            (await host.Client.GetFeatureAsync(Routes.ToPoint(FeatureCatalog.Default.Features[0].Location))).Name
                .Should().Be(FeatureCatalog.Default.Features[0].Name, "GetFeature does not need the note store");
        }

        await WaitForAsync(() => Volatile.Read(ref recorded) >= recordedAtKill + 20, "RecordRoute calls during the outage");
        recording.IsFaulted.Should().BeFalse("RecordRoute carries on while Redis is down");

        await _redis.RestartAsync();
        foreach (var host in _fleet)
        {
            await WaitForAsync(async () => await TryChatAsync(host.Client, new GeoPoint(2, 2)), "RouteChat to work again after Redis restarted");
        }

        // Persistence is off, so the restarted Redis started empty; the instances share it again.
        (await ChatAsync(_fleet[0].Client, here, "after the outage")).Should().BeEmpty();
        (await ChatAsync(_fleet[2].Client, here, "again")).Should().Equal("after the outage");

        await stop.CancelAsync();
        await recording;
        foreach (var host in _fleet)
        {
            host.Errors.Should().BeEmpty("an unreachable note store is a warning, not an error");
        }
    }

    /// <summary>Starts the three instances, sharing one key prefix in the test's Redis; returns the prefix.</summary>
    private async Task<string> StartFleetAsync(RouteGuideServiceOptions? caps = null)
    {
        var prefix = $"fleet:{Guid.NewGuid():N}";
        for (var i = 0; i < Instances; i++)
        {
            _fleet.Add(await RouteGuideTestHost.StartAsync(
                HostFlavour.Loopback,
                serviceOptions: caps,
                configureServices: services => services.AddRouteGuideRedisNotes(_redis.Configuration, options => options.KeyPrefix = prefix)));
        }

        return prefix;
    }

    /// <summary>One channel over the three instances, built as the CLI builds it for several --target URLs.</summary>
    private Grpc.Net.Client.GrpcChannel BalancedChannel(Action<Grpc.Net.Client.GrpcChannelOptions>? configure = null)
    {
        var targets = ServerTargets.Parse(_fleet.Select(host => host.Address.ToString()), out var problem);
        targets.Should().NotBeNull(problem);
        targets!.IsBalanced.Should().BeTrue();
        return targets.CreateChannel(configure);
    }

    private static int RecordRouteCallsServed(RouteGuideTestHost host) =>
        host.Logs.GetSnapshot().Count(record => record.Id.Name == "RouteRecorded");

    private static Task<string[]> ChatAsync(RouteGuideClient client, GeoPoint location, string message) =>
        RouteChatCalls.PostAsync(client, location, message);

    private static async Task<bool> TryChatAsync(RouteGuideClient client, GeoPoint location)
    {
        try
        {
            await ChatAsync(client, location, "probe");
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Status.Detail.Contains(NoteStoreUnreachable, StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>Posts every note in one RouteChat call, reading replies as they come; returns the number of replies.</summary>
    private static async Task<long> FloodAsync(RouteGuideClient client, IEnumerable<(GeoPoint Location, string Message)> notes)
    {
        using var call = client.RouteChat(deadline: DateTime.UtcNow.AddMinutes(2));
        var reading = Task.Run(async () =>
        {
            long replies = 0;
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                replies++;
            }

            return replies;
        });
        foreach (var (location, message) in notes)
        {
            await call.RequestStream.WriteAsync(new RouteNote { Location = Routes.ToPoint(location), Message = message });
        }

        await call.RequestStream.CompleteAsync();
        return await reading;
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 50 ms, failing after 30 seconds.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            Stopwatch.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(30), $"{what} within 30 seconds");
            await Task.Delay(50);
        }
    }
}
