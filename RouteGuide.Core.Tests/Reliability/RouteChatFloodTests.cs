using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// RouteChat flooded over real HTTP/2: the notes the server keeps stay within its caps, and so does
/// its memory, whatever a client sends.
/// </summary>
[Category("Long")]
public class RouteChatFloodTests
{
    private const int Notes = 1_000_000;
    private const int Locations = 100_000;
    private const int WarmUpNotes = 100_000;

    // The HTTP/2 buffer pools on both sides (Kestrel's and the client's, all in this process) grow to a
    // working size of some tens of MB during a flood and keep it; that is bounded, but not small.
    private const long MemoryBoundBytes = 64L * 1024 * 1024;

    // What the second half of a flood may add to the first: notes must not accumulate.
    private const long SecondHalfToleranceBytes = 8L * 1024 * 1024;

    private static readonly RouteGuideServiceOptions SmallCaps = new() { MaxNotesPerLocation = 3, MaxNotes = 1_000 };

    [Test]
    public async Task A_million_notes_at_one_location_keep_only_the_last_few_there()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, serviceOptions: SmallCaps);
        var here = new Point { Latitude = 1, Longitude = 1 };
        await ChatAsync(host, Enumerable.Range(0, WarmUpNotes).Select(i => Note(here, i)), countOnly: true);
        var before = host.SettledMemory();

        var firstHalf = await ChatAsync(host, Enumerable.Range(0, Notes / 2).Select(i => Note(here, i)), countOnly: true);
        var half = host.SettledMemory();
        var secondHalf = await ChatAsync(host, Enumerable.Range(Notes / 2, Notes / 2).Select(i => Note(here, i)), countOnly: true);
        var replies = firstHalf.Count + secondHalf.Count;

        var perLocation = SmallCaps.MaxNotesPerLocation;
        replies.Should().Be((long)perLocation * Notes, "each note is answered with the earlier notes there, as many as the cap (the warm-up left them)");
        host.InMemoryNotes.Count.Should().Be(perLocation);
        (await ChatAsync(host, [Note(here, -1)])).Messages.Should().Equal("999997", "999998", "999999");
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty();
        var after = host.SettledMemory();
        TestContext.Out.WriteLine($"Managed memory before {before:N0} B, after half the notes {half:N0} B, after all {after:N0} B.");
        after.Should().BeLessThan(half + SecondHalfToleranceBytes, "the second half of the flood adds nothing that stays");
        after.Should().BeLessThan(before + MemoryBoundBytes);
    }

    [Test]
    public async Task A_million_notes_over_a_hundred_thousand_locations_keep_the_store_within_its_total_cap()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, serviceOptions: SmallCaps);
        await ChatAsync(host, Enumerable.Range(0, WarmUpNotes).Select(i => Note(new Point { Latitude = -1 - (i % Locations), Longitude = 7 }, i)), countOnly: true);
        var before = host.SettledMemory();
        var maxStored = 0;
        IEnumerable<RouteNote> Flood(int start, int count) => Enumerable.Range(start, count).Select(i =>
        {
            if (i % 1_000 == 0)
            {
                maxStored = Math.Max(maxStored, host.InMemoryNotes.Count);
            }

            return Note(new Point { Latitude = i % Locations, Longitude = 7 }, i);
        });

        var replies = (await ChatAsync(host, Flood(0, Notes / 2), countOnly: true)).Count;
        var half = host.SettledMemory();
        replies += (await ChatAsync(host, Flood(Notes / 2, Notes / 2), countOnly: true)).Count;

        replies.Should().Be(0, "a location's earlier note was forgotten long before the location came round again");
        maxStored.Should().BeLessThanOrEqualTo(SmallCaps.MaxNotes);
        host.InMemoryNotes.Count.Should().Be(SmallCaps.MaxNotes);
        var last = Notes - 1;
        (await ChatAsync(host, [Note(new Point { Latitude = last % Locations, Longitude = 7 }, -1)])).Messages.Should().Equal($"{last}");
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty();
        var after = host.SettledMemory();
        TestContext.Out.WriteLine($"Managed memory before {before:N0} B, after half the notes {half:N0} B, after all {after:N0} B.");
        after.Should().BeLessThan(half + SecondHalfToleranceBytes, "the second half of the flood adds nothing that stays");
        after.Should().BeLessThan(before + MemoryBoundBytes);
    }

    private static RouteNote Note(Point location, int i) => new() { Location = location, Message = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static async Task<(long Count, List<string> Messages)> ChatAsync(RouteGuideTestHost host, IEnumerable<RouteNote> notes, bool countOnly = false)
    {
        using var call = host.Client.RouteChat(new CallOptions(deadline: DateTime.UtcNow.AddMinutes(5)));

        // Replies are read while notes are written: the server answers every note as it arrives.
        var reading = Task.Run(async () =>
        {
            long count = 0;
            var messages = new List<string>();
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                count++;
                if (!countOnly)
                {
                    messages.Add(reply.Message);
                }
            }

            return (count, messages);
        });
        foreach (var note in notes)
        {
            await call.RequestStream.WriteAsync(note);
        }

        await call.RequestStream.CompleteAsync();
        return await reading;
    }
}
