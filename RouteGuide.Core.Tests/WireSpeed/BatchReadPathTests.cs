using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Reliability;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.WireSpeed;

/// <summary>
/// When the server's batch read path runs and when it steps aside, over real HTTP/2; the rules it
/// must keep are the shared reliability tests, run on both paths.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class BatchReadPathTests(WirePath path)
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(60);
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [Test]
    public async Task Points_sent_one_byte_per_HTTP2_DATA_frame_get_the_exact_summary()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var route = Routes.Random(8, Catalog, count: 300);
        var body = route.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).ToArray();
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);

        var response = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, new OneByteFramesContent(body), "application/grpc", safety.Token);

        response.GrpcStatus.Should().Be("0", response.ToString());
        var summary = RouteSummary.Parser.ParseFrom(response.Body.AsSpan(5));
        var expected = Routes.RecordLocally(route, Catalog);
        (summary.PointCount, summary.FeatureCount, summary.Distance).Should().Be((300, (int)expected.FeatureCount, expected.ToSummary().Distance));
        host.BatchedCalls.Should().Be(path == WirePath.Fast ? 1 : 0);
    }

    [Test]
    public async Task An_interceptor_that_wraps_the_request_stream_gets_the_standard_path_and_sees_every_point()
    {
        var seen = new SeenPoints();
        await using var host = await RouteGuideTestHost.StartAsync(
            HostFlavour.Loopback,
            Catalog,
            configureGrpc: grpc => grpc.Interceptors.Add<CountingInterceptor>(seen),
            wirePath: path);
        var route = Routes.Random(9, Catalog, count: 1_000);

        var summary = await host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));

        summary.PointCount.Should().Be(1_000);
        seen.Count.Should().Be(1_000, "the interceptor saw every message");
        host.BatchedCalls.Should().Be(0);
    }

    [Test]
    public async Task A_compressed_request_gets_the_standard_path_and_the_exact_summary()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var route = Routes.Random(10, Catalog, count: 2_000);
        var gzip = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        var summary = await host.Client.RecordRouteAsync(route, new CallOptions(gzip, DateTime.UtcNow.Add(SafetyTimeout)));

        var expected = Routes.RecordLocally(route, Catalog);
        (summary.PointCount, summary.FeatureCount, summary.Distance).Should().Be((2_000, (int)expected.FeatureCount, expected.ToSummary().Distance));
        host.BatchedCalls.Should().Be(0);
    }

    [Test]
    public async Task The_services_own_receive_limit_overrides_the_global_one_on_both_paths()
    {
        await using var host = await RouteGuideTestHost.StartAsync(
            HostFlavour.Loopback,
            Catalog,
            configureServices: services => services.PostConfigure<GrpcServiceOptions<RouteGuideService>>(options => options.MaxReceiveMessageSize = 16),
            wirePath: path);
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);
        // Valid Points padded with an unknown field 3: 4 + 2 + 10 = 16 bytes, and one more.
        byte[] atLimit = [.. new Point { Latitude = 7, Longitude = 9 }.ToByteArray(), 0x1A, 0x0A, .. new byte[10]];
        byte[] overLimit = [.. new Point { Latitude = 7, Longitude = 9 }.ToByteArray(), 0x1A, 0x0B, .. new byte[11]];

        var accepted = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, RawGrpc.Frame(atLimit), "application/grpc", safety.Token);
        var refused = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, RawGrpc.Frame(overLimit), "application/grpc", safety.Token);

        (atLimit.Length, overLimit.Length).Should().Be((16, 17));
        accepted.GrpcStatus.Should().Be("0", accepted.ToString());
        refused.GrpcStatus.Should().Be("8", refused.ToString());
        refused.GrpcMessage.Should().Be("Received message exceeds the maximum configured message size.");
    }

    /// <summary>Ten million points in one call, generated lazily; bounded by a ten-minute deadline.</summary>
    [Test]
    [Category("Long")]
    public async Task Ten_million_points_in_one_call_get_the_exact_summary()
    {
        const int Count = 10_000_000;
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var started = TimeProvider.System.GetTimestamp();

        var summary = await host.Client.RecordRouteAsync(LongRoute(Count), deadline: DateTime.UtcNow.AddMinutes(10));

        TestContext.Out.WriteLine($"{Count} points in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F1} s on the {path} path");
        var expected = Routes.RecordLocally(LongRoute(Count), Catalog);
        summary.PointCount.Should().Be(Count);
        summary.FeatureCount.Should().Be((int)expected.FeatureCount);
        summary.Distance.Should().Be(expected.ToSummary().Distance);
        host.Errors.Should().BeEmpty();
    }

    private static IEnumerable<Point> LongRoute(int count)
    {
        var random = new Random(count);
        for (var i = 0; i < count; i++)
        {
            yield return random.Next(16) == 0
                ? Routes.ToPoint(Catalog.Features[random.Next(Catalog.Count)].Location)
                : new Point { Latitude = random.Next(-900_000_000, 900_000_001), Longitude = random.Next(-1_800_000_000, 1_800_000_001) };
        }
    }

    /// <summary>Counts the request messages an interceptor saw.</summary>
    public sealed class SeenPoints
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>A server interceptor that wraps the request stream to see each message, as logging or metrics interceptors do.</summary>
    public sealed class CountingInterceptor(SeenPoints seen) : Interceptor
    {
        public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
            IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
            continuation(new CountingReader<TRequest>(requestStream, seen), context);
    }

    private sealed class CountingReader<T>(IAsyncStreamReader<T> inner, SeenPoints seen) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var moved = await inner.MoveNext(cancellationToken);
            if (moved)
            {
                seen.Add();
            }

            return moved;
        }
    }

    /// <summary>A request body sent one byte per write and flush, so one byte per HTTP/2 DATA frame.</summary>
    private sealed class OneByteFramesContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < body.Length; i++)
            {
                await stream.WriteAsync(body.AsMemory(i, 1));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
