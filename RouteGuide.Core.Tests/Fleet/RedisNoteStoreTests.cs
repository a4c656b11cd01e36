using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Redis;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Fleet;

/// <summary>What is particular to the Redis store: its registration, and a Redis that is not there yet.</summary>
public class RedisNoteStoreTests
{
    [Test]
    public async Task A_store_whose_Redis_is_not_up_yet_is_unavailable_naming_it_then_works_once_Redis_starts()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.KillAsync();
        await using var provider = new ServiceCollection()
            .AddRouteGuideRedisNotes(redis.Configuration + ",connectTimeout=1000")
            .BuildServiceProvider();
        var store = provider.GetRequiredService<IRouteNoteStore>();
        var note = new LocationNote(new GeoPoint(3, 3), "hello");

        var post = async () => await store.PostAsync(note);

        (await post.Should().ThrowAsync<RouteNoteStoreUnavailableException>()).Which.Message
            .Should().Contain($"Redis note store at {redis.Configuration} is unreachable");

        await redis.RestartAsync();
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                (await store.PostAsync(note)).Should().BeEmpty();
                break;
            }
            catch (RouteNoteStoreUnavailableException)
            {
                Stopwatch.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(30), "the store reconnects once Redis is up");
                await Task.Delay(100);
            }
        }

        (await store.PostAsync(note)).Should().Equal(note);
    }

    [Test]
    public void The_Redis_store_replaces_the_in_memory_one_whichever_is_registered_first()
    {
        var before = new ServiceCollection().AddRouteGuideRedisNotes("127.0.0.1:1").AddRouteGuide();
        var after = new ServiceCollection().AddRouteGuide().AddRouteGuideRedisNotes("127.0.0.1:1");

        foreach (var services in new[] { before, after })
        {
            using var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IRouteNoteStore>().Should().BeOfType<RedisRouteNoteStore>();
            provider.GetRequiredService<RouteGuideService>().Should().NotBeNull();
        }
    }

    [TestCase(",password=secret", "names no server")]
    [TestCase("127.0.0.1:6379,connectTimeout=soon", "is not a Redis configuration string")]
    public void A_bad_configuration_string_is_refused_naming_it(string configuration, string problem)
    {
        var register = () => new ServiceCollection().AddRouteGuideRedisNotes(configuration);

        register.Should().Throw<ArgumentException>().WithMessage($"*'{configuration}'*{problem}*");
    }

    [TestCase("")]
    [TestCase("a{b}")]
    public void A_bad_key_prefix_is_refused(string prefix)
    {
        var register = () => new ServiceCollection().AddRouteGuideRedisNotes("127.0.0.1:6379", options => options.KeyPrefix = prefix);

        register.Should().Throw<ArgumentException>().WithMessage("*prefix*");
    }
}
