using Google.Protobuf;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// The server's receive limit (<see cref="RouteGuideTestHost.DefaultMaxReceiveMessageSize"/> unless
/// configured) fails only the call that breaks it, with ResourceExhausted.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class MessageSizeTests(WirePath path)
{
    private const int Limit = 1024;

    private static readonly Method<byte[], RouteSummary> RawRecordRoute = new(
        MethodType.ClientStreaming,
        "routeguide.RouteGuide",
        "RecordRoute",
        Marshallers.Create(static (byte[] bytes) => bytes, static bytes => bytes),
        Marshallers.Create(static (RouteSummary summary) => summary.ToByteArray(), RouteSummary.Parser.ParseFrom));

    [Test]
    public async Task A_message_over_the_configured_limit_fails_that_call_only_with_ResourceExhausted()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, configureGrpc: grpc => grpc.MaxReceiveMessageSize = Limit, wirePath: path);
        var route = Routes.Random(11, FeatureCatalog.Default, count: 40);
        var atLimit = PaddedPoint(1, 2, Limit);
        var overLimit = PaddedPoint(1, 2, Limit + 1);

        // A normal call streams on the same channel the whole time.
        using var neighbour = host.Client.RecordRoute(new CallOptions(deadline: DateTime.UtcNow.AddMinutes(1)));
        foreach (var point in route.Take(20))
        {
            await neighbour.RequestStream.WriteAsync(point);
        }

        var exactlyAtLimit = await SendRawAsync(host, [atLimit, atLimit]);
        var oneOver = () => SendRawAsync(host, [atLimit, overLimit, atLimit]);

        exactlyAtLimit.PointCount.Should().Be(2, "a message of exactly the limit is accepted");
        (await oneOver.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(
            new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));

        foreach (var point in route.Skip(20))
        {
            await neighbour.RequestStream.WriteAsync(point);
        }

        await neighbour.RequestStream.CompleteAsync();
        var neighbourSummary = await neighbour.ResponseAsync;
        var expected = Routes.RecordLocally(route, FeatureCatalog.Default);
        neighbourSummary.PointCount.Should().Be(40, "the neighbouring call lost nothing");
        neighbourSummary.Distance.Should().Be(expected.ToSummary().Distance);
        (await host.Client.RecordRouteAsync(route)).PointCount.Should().Be(40, "the next call works");
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty();
    }

    [Test]
    public async Task The_default_limit_is_explicit_and_admits_a_large_message_but_not_one_over_it()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);

        var atLimit = await SendRawAsync(host, [PaddedPoint(5, 6, RouteGuideTestHost.DefaultMaxReceiveMessageSize)]);
        var oneOver = () => SendRawAsync(host, [PaddedPoint(5, 6, RouteGuideTestHost.DefaultMaxReceiveMessageSize + 1)]);

        RouteGuideTestHost.DefaultMaxReceiveMessageSize.Should().Be(4 * 1024 * 1024);
        atLimit.PointCount.Should().Be(1);
        (await oneOver.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.ResourceExhausted);
        (await host.Client.RecordRouteAsync([new Point { Latitude = 5, Longitude = 6 }])).PointCount.Should().Be(1);
    }

    /// <summary>
    /// A valid Point of exactly <paramref name="size"/> bytes: the two coordinates, then an unknown
    /// length-delimited field (number 15) that parsers must skip.
    /// </summary>
    private static byte[] PaddedPoint(int latitude, int longitude, int size)
    {
        var point = new Point { Latitude = latitude, Longitude = longitude }.ToByteArray();
        const byte tag = (15 << 3) | 2;
        var padding = size - point.Length - 1;
        var lengthBytes = CodedOutputStream.ComputeLengthSize(padding);
        padding -= lengthBytes;
        if (CodedOutputStream.ComputeLengthSize(padding) != lengthBytes)
        {
            padding++; // The varint got shorter; one more byte of padding keeps the total.
        }

        var bytes = new List<byte>(point) { tag };
        for (var length = (uint)padding; ; length >>= 7)
        {
            if (length < 0x80)
            {
                bytes.Add((byte)length);
                break;
            }

            bytes.Add((byte)((length & 0x7F) | 0x80));
        }

        bytes.AddRange(new byte[padding]);
        bytes.Should().HaveCount(size);
        var parsed = Point.Parser.ParseFrom([.. bytes]);
        (parsed.Latitude, parsed.Longitude).Should().Be((latitude, longitude), "the padding is an unknown field, so this is a valid Point");
        return [.. bytes];
    }

    private static async Task<RouteSummary> SendRawAsync(RouteGuideTestHost host, IEnumerable<byte[]> messages)
    {
        using var call = host.Channel.CreateCallInvoker().AsyncClientStreamingCall(RawRecordRoute, null, new CallOptions(deadline: DateTime.UtcNow.AddMinutes(1)));
        try
        {
            foreach (var message in messages)
            {
                await call.RequestStream.WriteAsync(message);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call while messages were still going out: its status is the answer.
        }

        return await call.ResponseAsync;
    }
}
