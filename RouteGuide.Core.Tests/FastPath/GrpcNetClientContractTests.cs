using System.Net;
using System.Reflection;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.FastPath;

/// <summary>
/// What the client fast path assumes of Grpc.Net.Client, checked against the Grpc.Net.Client the suite runs
/// with: a RecordRoute request body is Grpc.Net.Client's push-stream content, its request stream is
/// Grpc.Net.Client's own writer, and each message is one <c>WriteAsync</c> of the whole framed message
/// followed by one <c>FlushAsync</c>. The fast path checks the two types at run time and steps aside (to
/// stock behaviour, never wrong bytes) when they differ; these tests make such a change fail loudly here
/// instead of silently costing the speed (docs/fast-path.md).
/// </summary>
[TestFixture]
public class GrpcNetClientContractTests
{
    private static readonly string NetClientVersion =
        typeof(GrpcChannel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    [Test]
    public async Task Each_RecordRoute_message_is_one_write_of_the_framed_message_then_one_flush_into_the_content_the_fast_path_wraps()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        var spy = new BodySpyHandler(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = spy });
        Point[] route = [new(), new() { Latitude = 1, Longitude = 2 }, new() { Latitude = -400_000_000, Longitude = 1_800_000_000 }];

        using var call = new Protocol.RouteGuide.RouteGuideClient(channel).RecordRoute();
        BulkRouteTicket.IsNetClientWriter(call.RequestStream).Should().BeTrue(
            $"Grpc.Net.Client {NetClientVersion}'s request stream ({call.RequestStream.GetType().FullName}) must be the writer the bulk path recognises");
        foreach (var point in route)
        {
            await call.RequestStream.WriteAsync(point);
        }

        await call.RequestStream.CompleteAsync();
        (await call.ResponseAsync).PointCount.Should().Be(route.Length);
        spy.Content.Should().NotBeNull();
        CoalescingHandler.IsNetClientContent(spy.Content!).Should().BeTrue(
            $"Grpc.Net.Client {NetClientVersion} must still send a RecordRoute body as the content the fast path wraps, not {spy.Content!.GetType().FullName}");

        // Headers are flushed before the first message (a flush with nothing written), then write, flush per message.
        var expected = route.SelectMany(p => new[] { $"write {5 + p.CalculateSize()}", "flush" });
        spy.Calls.SkipWhile(call => call == "flush").Should().Equal(
            expected,
            $"the fast path assumes Grpc.Net.Client {NetClientVersion} writes each message whole and then flushes it");
    }

    [Test]
    public async Task On_a_RouteGuideChannel_RecordRouteAsync_takes_the_bulk_path_and_a_raw_call_the_coalescing_path()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        CoalescingHandler? handler = null;
        using var channel = RouteGuideChannel.ForAddress(host.Address, options => handler = options.HttpHandler as CoalescingHandler);
        var client = channel.CreateRouteGuideClient();

        (await client.RecordRouteAsync([new Point(), new Point { Latitude = 1 }])).PointCount.Should().Be(2);
        using (var call = client.RecordRoute())
        {
            await call.RequestStream.WriteAsync(new Point { Longitude = 3 });
            await call.RequestStream.CompleteAsync();
            (await call.ResponseAsync).PointCount.Should().Be(1);
        }

        handler.Should().NotBeNull("RouteGuideChannel.ForAddress puts the fast path's handler in the channel");
        handler!.Counters.WrappedRequests.Should().Be(2, $"both RecordRoute requests of Grpc.Net.Client {NetClientVersion} were wrapped");
        handler.Counters.BulkCalls.Should().Be(1, $"RecordRouteAsync wrote in bulk with Grpc.Net.Client {NetClientVersion}");
    }

    /// <summary>Wraps each request's content and records every write and flush Grpc.Net.Client makes on the body stream.</summary>
    private sealed class BodySpyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly List<string> _calls = [];

        public HttpContent? Content { get; private set; }

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Content = request.Content;
            request.Content = new SpyContent(request.Content!, this);
            return base.SendAsync(request, cancellationToken);
        }

        private void Record(string call)
        {
            lock (_calls)
            {
                _calls.Add(call);
            }
        }

        private sealed class SpyContent : HttpContent
        {
            private readonly HttpContent _inner;
            private readonly BodySpyHandler _owner;

            public SpyContent(HttpContent inner, BodySpyHandler owner)
            {
                _inner = inner;
                _owner = owner;
                foreach (var header in inner.Headers)
                {
                    Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
                _inner.CopyToAsync(new SpyStream(stream, _owner), context);

            protected override bool TryComputeLength(out long length)
            {
                length = -1;
                return false;
            }
        }

        private sealed class SpyStream(Stream inner, BodySpyHandler owner) : WriteOnlyStream
        {
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                owner.Record($"write {buffer.Length}");
                return inner.WriteAsync(buffer, cancellationToken);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override void Write(byte[] buffer, int offset, int count)
            {
                owner.Record($"write {count}");
                inner.Write(buffer, offset, count);
            }

            public override Task FlushAsync(CancellationToken cancellationToken)
            {
                owner.Record("flush");
                return inner.FlushAsync(cancellationToken);
            }

            public override void Flush()
            {
                owner.Record("flush");
                inner.Flush();
            }
        }
    }
}
