using RouteGuide.Core.Notes;
using RouteGuide.Core.Redis;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using StackExchange.Redis;

namespace RouteGuide.Core.Tests.Fleet;

/// <summary>The stores RouteChat can use.</summary>
public enum NoteStoreKind
{
    /// <summary>The default store, in the server's memory.</summary>
    InMemory,

    /// <summary>The shared store in a real redis-server.</summary>
    Redis,
}

/// <summary>
/// The semantics every <see cref="IRouteNoteStore"/> must have, run against each store through the seam:
/// posting order, the caps per location and in all, and posts that stay atomic when many race.
/// </summary>
[TestFixture(NoteStoreKind.InMemory)]
[TestFixture(NoteStoreKind.Redis)]
public class NoteStoreSemanticsTests(NoteStoreKind kind)
{
    private static readonly GeoPoint Here = new(1, 1);
    private static readonly GeoPoint There = new(2, -2);

    private RedisServer? _redis;
    private readonly List<IAsyncDisposable> _stores = [];

    [OneTimeSetUp]
    public async Task StartRedis()
    {
        if (kind == NoteStoreKind.Redis)
        {
            _redis = await RedisServer.StartAsync();
        }
    }

    [OneTimeTearDown]
    public async Task StopRedis()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [TearDown]
    public async Task DisposeStores()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
    }

    [Test]
    public async Task Each_note_is_answered_with_the_earlier_notes_at_its_location_in_posting_order()
    {
        var store = CreateStore(new RouteGuideServiceOptions());

        (await PostAsync(store, Here, "a")).Should().BeEmpty();
        (await PostAsync(store, There, "b")).Should().BeEmpty();
        (await PostAsync(store, Here, "c")).Should().Equal("a");
        (await PostAsync(store, Here, "d: with a colon")).Should().Equal("a", "c");
        (await PostAsync(store, Here, string.Empty)).Should().Equal("a", "c", "d: with a colon");
        (await PostAsync(store, Here, "é ✓")).Should().Equal("a", "c", "d: with a colon", string.Empty);
        (await PostAsync(store, There, "e")).Should().Equal("b");
    }

    [Test]
    public async Task Earlier_notes_come_back_with_their_location()
    {
        var store = CreateStore(new RouteGuideServiceOptions());
        var extreme = new GeoPoint(GeoPoint.MinLatitude, GeoPoint.MaxLongitude);

        await store.PostAsync(new LocationNote(extreme, "first"));
        var earlier = await store.PostAsync(new LocationNote(extreme, "second"));

        earlier.Should().Equal(new LocationNote(extreme, "first"));
    }

    [Test]
    public async Task Past_the_cap_per_location_the_oldest_note_there_is_forgotten()
    {
        var store = CreateStore(new RouteGuideServiceOptions { MaxNotesPerLocation = 3, MaxNotes = 100 });
        for (var i = 0; i < 10; i++)
        {
            await PostAsync(store, Here, $"here {i}");
        }

        await PostAsync(store, There, "there");

        (await PostAsync(store, Here, "probe")).Should().Equal("here 7", "here 8", "here 9");
        (await PostAsync(store, There, "probe")).Should().Equal("there");
    }

    [Test]
    public async Task Past_the_total_cap_the_oldest_note_anywhere_is_forgotten()
    {
        var store = CreateStore(new RouteGuideServiceOptions { MaxNotesPerLocation = 3, MaxNotes = 5 });
        await PostAsync(store, Here, "here 0");
        await PostAsync(store, Here, "here 1");
        for (var i = 0; i < 3; i++)
        {
            await PostAsync(store, new GeoPoint(10 + i, 0), $"elsewhere {i}");
        }

        // Five notes stored: the next one anywhere forgets "here 0", the oldest.
        await PostAsync(store, There, "there");

        (await PostAsync(store, Here, "probe")).Should().Equal("here 1");

        // That probe made six again and forgot "here 1", now the oldest; "elsewhere 0" is next in line.
        (await PostAsync(store, Here, "probe again")).Should().Equal("probe");
        (await PostAsync(store, new GeoPoint(11, 0), "probe")).Should().Equal("elsewhere 1");
    }

    [Test]
    public async Task Racing_posts_are_atomic_each_sees_a_different_number_of_earlier_notes()
    {
        const int Cap = 50;
        const int Posts = 400;
        var store = CreateStore(new RouteGuideServiceOptions { MaxNotesPerLocation = Cap, MaxNotes = 10_000 });

        var posts = Enumerable.Range(0, Posts).Select(i => Task.Run(async () => (await PostAsync(store, Here, $"n{i}")).Length));
        var earlierCounts = await Task.WhenAll(posts);

        // Serialised posts see 0, 1, ..., Cap - 1 earlier notes once each, then Cap for every later one.
        var expected = Enumerable.Range(0, Cap).Concat(Enumerable.Repeat(Cap, Posts - Cap));
        earlierCounts.Order().Should().Equal(expected);
        (await PostAsync(store, Here, "probe")).Should().HaveCount(Cap).And.OnlyHaveUniqueItems();
    }

    [Test]
    public async Task A_cancelled_post_is_abandoned()
    {
        var store = CreateStore(new RouteGuideServiceOptions());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var post = async () => await store.PostAsync(new LocationNote(Here, "never"), cancelled.Token);

        await post.Should().ThrowAsync<OperationCanceledException>();
    }

    private IRouteNoteStore CreateStore(RouteGuideServiceOptions caps)
    {
        if (kind == NoteStoreKind.InMemory)
        {
            return new InMemoryRouteNoteStore(caps);
        }

        var store = new RedisRouteNoteStore(
            ConfigurationOptions.Parse(_redis!.Configuration),
            new RouteGuideRedisNotesOptions { KeyPrefix = $"test:{Guid.NewGuid():N}" },
            caps);
        _stores.Add(store);
        return store;
    }

    private static async Task<string[]> PostAsync(IRouteNoteStore store, GeoPoint location, string message)
    {
        var earlier = await store.PostAsync(new LocationNote(location, message));
        earlier.Where(note => note.Location != location).Should().BeEmpty("earlier notes come from the same location");
        return earlier.Select(note => note.Message).ToArray();
    }
}
