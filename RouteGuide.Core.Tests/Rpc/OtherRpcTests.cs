using Google.Protobuf;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

[TestFixture(HostFlavour.InMemory)]
[TestFixture(HostFlavour.Loopback)]
public class OtherRpcTests(HostFlavour flavour)
{
    private static readonly FeatureCatalog Catalog = new(
    [
        new CatalogFeature("corner", new GeoPoint(100, 100)),
        new CatalogFeature("inside", new GeoPoint(150, 120)),
        new CatalogFeature(string.Empty, new GeoPoint(200, 200)),
        new CatalogFeature("outside", new GeoPoint(300, 150)),
    ]);

    [Test]
    public async Task GetFeature_returns_the_catalog_feature_or_an_unnamed_feature_at_that_point()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog);

        var found = await host.Client.GetFeatureAsync(new Point { Latitude = 150, Longitude = 120 });
        var missing = await host.Client.GetFeatureAsync(new Point { Latitude = 151, Longitude = 120 });

        found.Should().Be(new Feature { Name = "inside", Location = new Point { Latitude = 150, Longitude = 120 } });
        missing.Should().Be(new Feature { Name = string.Empty, Location = new Point { Latitude = 151, Longitude = 120 } });
    }

    [Test]
    public async Task GetFeature_rejects_an_out_of_range_point()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog);

        var call = async () => await host.Client.GetFeatureAsync(new Point { Latitude = 900_000_001 });

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Should().Match<Status>(s =>
            s.StatusCode == StatusCode.InvalidArgument && s.Detail.Contains("latitude 900000001", StringComparison.Ordinal));
    }

    [Test]
    public async Task ListFeatures_streams_every_feature_inside_the_rectangle_with_corners_in_either_order()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog);

        var forward = await ListAsync(host, new Point { Latitude = 100, Longitude = 100 }, new Point { Latitude = 200, Longitude = 200 });
        var backward = await ListAsync(host, new Point { Latitude = 200, Longitude = 100 }, new Point { Latitude = 100, Longitude = 200 });

        string[] expected = ["corner", "inside", string.Empty];
        forward.Select(f => f.Name).Should().BeEquivalentTo(expected);
        backward.Select(f => f.Name).Should().BeEquivalentTo(expected);
    }

    [Test]
    public async Task ListFeatures_rejects_a_rectangle_without_a_corner()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog);

        var call = () => ListAsync(host, new Point(), null);

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.InvalidArgument, "The rectangle's corner hi is missing."));
    }

    [Test]
    public async Task RouteChat_answers_each_note_with_the_earlier_notes_at_its_location()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog);
        var here = new Point { Latitude = 1, Longitude = 1 };
        var there = new Point { Latitude = 2, Longitude = 2 };

        var first = await ChatAsync(host, [Note(here, "a"), Note(there, "b")]);
        var second = await ChatAsync(host, [Note(here, "c"), Note(there, "d"), Note(here, "e")]);

        first.Should().BeEmpty();
        second.Select(n => n.Message).Should().Equal("a", "b", "a", "c");
        host.InMemoryNotes.Count.Should().Be(5);
    }

    [Test]
    public async Task RouteChat_forgets_the_oldest_notes_past_its_caps()
    {
        await using var host = await RouteGuideTestHost.StartAsync(
            flavour, Catalog, serviceOptions: new RouteGuideServiceOptions { MaxNotesPerLocation = 3, MaxNotes = 5 });
        var here = new Point { Latitude = 1, Longitude = 1 };

        await ChatAsync(host, Enumerable.Range(0, 10).Select(i => Note(here, $"here {i}")));
        var afterPerLocationCap = await ChatAsync(host, [Note(here, "probe")]);
        await ChatAsync(host, Enumerable.Range(0, 10).Select(i => Note(new Point { Latitude = 10 + i, Longitude = 0 }, $"elsewhere {i}")));
        var afterTotalCap = await ChatAsync(host, [Note(here, "probe again")]);

        afterPerLocationCap.Select(n => n.Message).Should().Equal("here 7", "here 8", "here 9");
        afterTotalCap.Should().BeEmpty("the notes here were the oldest and made room for newer ones elsewhere");
        host.InMemoryNotes.Count.Should().Be(5);
    }

    [Test]
    public async Task RouteChat_rejects_a_message_over_the_length_limit()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog, serviceOptions: new RouteGuideServiceOptions { MaxNoteMessageLength = 4 });

        var call = () => ChatAsync(host, [Note(new Point(), "okay"), Note(new Point(), "too long")]);

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(
            new Status(StatusCode.InvalidArgument, "Note 1 has a message of 8 characters; the limit is 4."));
    }

    [Test]
    public async Task RouteChat_stores_only_the_location_and_message_of_a_note_not_its_unknown_fields()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, Catalog);
        var here = new Point { Latitude = 1, Longitude = 1 };
        var plain = Note(here, "padded");

        // The same note as a newer peer might send it: 64 KiB of a field this proto does not know, in
        // the note and in its location. Google.Protobuf keeps unknown fields when it parses a message.
        var padded = RouteNote.Parser.ParseFrom([.. plain.ToByteArray(), .. UnknownField(99, 64 * 1024)]);
        padded.Location = Point.Parser.ParseFrom([.. here.ToByteArray(), .. UnknownField(98, 64 * 1024)]);
        padded.CalculateSize().Should().BeGreaterThan(128 * 1024, "the padding survives parsing and is sent");

        await ChatAsync(host, [padded]);
        var replies = await ChatAsync(host, [Note(here, "probe")]);

        replies.Should().ContainSingle().Which.Should().Be(plain);
        replies[0].CalculateSize().Should().Be(plain.CalculateSize(), "the stored note carries no unknown fields");
    }

    private static RouteNote Note(Point location, string message) => new() { Location = location, Message = message };

    private static byte[] UnknownField(int fieldNumber, int length)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(fieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(new byte[length]));
        output.Flush();
        return buffer.ToArray();
    }

    private static async Task<List<Feature>> ListAsync(RouteGuideTestHost host, Point? lo, Point? hi)
    {
        using var call = host.Client.ListFeatures(new Rectangle { Lo = lo, Hi = hi });
        var features = new List<Feature>();
        await foreach (var feature in call.ResponseStream.ReadAllAsync())
        {
            features.Add(feature);
        }

        return features;
    }

    private static async Task<List<RouteNote>> ChatAsync(RouteGuideTestHost host, IEnumerable<RouteNote> notes)
    {
        using var call = host.Client.RouteChat();
        var reading = Task.Run(async () =>
        {
            var received = new List<RouteNote>();
            await foreach (var note in call.ResponseStream.ReadAllAsync())
            {
                received.Add(note);
            }

            return received;
        });
        foreach (var note in notes)
        {
            await call.RequestStream.WriteAsync(note);
        }

        await call.RequestStream.CompleteAsync();
        return await reading;
    }
}
