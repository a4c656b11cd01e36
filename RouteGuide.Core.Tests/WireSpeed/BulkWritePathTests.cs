using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.FastPath;
using RouteGuide.Core.Tests.Reliability;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.WireSpeed;

/// <summary>
/// When the client's bulk write path runs and when it steps aside, over real HTTP/2; the rules it must
/// keep are the shared reliability tests, run on both paths.
/// </summary>
public class BulkWritePathTests
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(60);
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [Test]
    public async Task The_bulk_body_is_byte_for_byte_what_Grpc_Net_Client_writes_for_the_same_points()
    {
        await using var capture = await BodyCapture.StartAsync();
        Point[] route =
        [
            new(), new() { Latitude = 1 }, new() { Longitude = -1 }, new() { Latitude = int.MinValue, Longitude = int.MaxValue },
            .. Routes.Random(15, Catalog, count: 5_000),
        ];
        var expected = route.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).ToArray();

        using var fast = RouteGuideTestHost.CreateChannel(capture.Address, WirePath.Fast, options => capture.Handler = options.HttpHandler as CoalescingHandler);
        var summary = await fast.CreateRouteGuideClient().RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));
        var bulkBody = capture.LastBody;
        capture.Handler!.Counters.BulkCalls.Should().Be(1, "RecordRouteAsync took the bulk path");

        using var standard = RouteGuideTestHost.CreateChannel(capture.Address, WirePath.Standard);
        await standard.CreateRouteGuideClient().RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));
        var standardBody = capture.LastBody;

        summary.PointCount.Should().Be(route.Length, "the capture server counts the messages it received");
        standardBody.Should().Equal(expected);
        bulkBody.Should().Equal(expected);
    }

    [Test]
    public async Task A_raw_call_writing_its_own_messages_keeps_the_coalescing_path_and_Grpc_Net_Clients_writer()
    {
        await using var fast = await FastPathHost.StartAsync();
        using var call = fast.Host.Client.RecordRoute(new CallOptions(deadline: DateTime.UtcNow.Add(SafetyTimeout)));

        for (var i = 0; i < 1_000; i++)
        {
            await call.RequestStream.WriteAsync(new Point { Latitude = i, Longitude = -i });
        }

        await call.RequestStream.CompleteAsync();
        (await call.ResponseAsync).PointCount.Should().Be(1_000);
        fast.Handler.Counters.WrappedRequests.Should().Be(1);
        fast.Handler.Counters.BulkCalls.Should().Be(0);
    }

    [Test]
    public async Task RecordRouteAsync_on_a_fast_path_channel_writes_in_bulk_and_a_refused_channel_does_not()
    {
        await using var fast = await FastPathHost.StartAsync();
        var route = Routes.Random(16, Catalog, count: 20_000);

        var summary = await fast.Host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));

        summary.PointCount.Should().Be(20_000);
        fast.Handler.Counters.BulkCalls.Should().Be(1);
        fast.Handler.Counters.SentBytes.Should().Be(route.Sum(p => 5L + p.CalculateSize()));

        CoalescingHandler? refused = null;
        using var standard = RouteGuideTestHost.CreateChannel(fast.Host.Address, WirePath.Standard, options => refused = (CoalescingHandler)options.HttpHandler!);
        (await standard.CreateRouteGuideClient().RecordRouteAsync(route)).Should().Be(summary);
        refused!.Counters.BulkCalls.Should().Be(0);
        refused.Counters.WrappedRequests.Should().Be(1);
    }

    [Test]
    public async Task A_client_interceptor_that_wraps_the_request_stream_gets_the_standard_path_and_sees_every_point()
    {
        await using var fast = await FastPathHost.StartAsync();
        var interceptor = new WrappingInterceptor();
        var client = new Protocol.RouteGuide.RouteGuideClient(fast.Host.Channel.Intercept(interceptor));
        var route = Routes.Random(17, Catalog, count: 3_000);

        var summary = await client.RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));

        summary.PointCount.Should().Be(3_000);
        interceptor.Written.Should().Be(3_000);
        fast.Handler.Counters.BulkCalls.Should().Be(0);
    }

    [Test]
    public async Task A_channel_with_a_retry_policy_gets_the_standard_path_so_a_retry_can_replay_every_point()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog);
        CoalescingHandler? handler = null;
        var retry = new MethodConfig
        {
            Names = { MethodName.Default },
            RetryPolicy = new RetryPolicy { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50), BackoffMultiplier = 2, RetryableStatusCodes = { StatusCode.Unavailable } },
        };
        using var channel = RouteGuideChannel.ForAddress(host.Address, options =>
        {
            handler = (CoalescingHandler)options.HttpHandler!;
            options.ServiceConfig = new ServiceConfig { MethodConfigs = { retry } };
        });
        var route = Routes.Random(18, Catalog, count: 5_000);

        var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));

        var expected = Routes.RecordLocally(route, Catalog);
        (summary.PointCount, summary.Distance).Should().Be((5_000, expected.ToSummary().Distance));
        handler!.Counters.BulkCalls.Should().Be(0);
    }

    [Test]
    public async Task A_channel_of_your_own_keeps_Grpc_Net_Clients_writer_because_its_send_limit_is_unknown()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog);
        var handler = (CoalescingHandler)RouteGuideChannel.WithRecordRouteFastPath(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });

        var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(Routes.Random(19, Catalog, count: 2_000));

        summary.PointCount.Should().Be(2_000);
        handler.Counters.WrappedRequests.Should().Be(1);
        handler.Counters.BulkCalls.Should().Be(0);
    }

    [Test]
    public async Task Points_from_a_slow_asynchronous_source_each_reach_the_server_before_the_next_is_produced()
    {
        await using var fast = await FastPathHost.StartAsync();
        var recorded = new List<long>();
        var route = Routes.WithHook(Routes.Random(20, Catalog, count: 5), async (index, token) =>
        {
            // The server must have point `index` before the source produces the next one.
            await fast.Host.Eventually(() => fast.Recorders.PointsRecorded > index, $"point {index} reached the server");
            recorded.Add(fast.Recorders.PointsRecorded);
        });

        var summary = await fast.Host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));

        summary.PointCount.Should().Be(5);
        recorded.Should().Equal(1, 2, 3, 4, 5);
        fast.Handler.Counters.BulkCalls.Should().Be(1);
    }

    private sealed class WrappingInterceptor : Interceptor
    {
        private int _written;

        public int Written => Volatile.Read(ref _written);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(context);
            return new AsyncClientStreamingCall<TRequest, TResponse>(
                new CountingWriter<TRequest>(call.RequestStream, this), call.ResponseAsync, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private sealed class CountingWriter<T>(IClientStreamWriter<T> inner, WrappingInterceptor owner) : IClientStreamWriter<T>
        {
            public WriteOptions? WriteOptions
            {
                get => inner.WriteOptions;
                set => inner.WriteOptions = value;
            }

            public Task CompleteAsync() => inner.CompleteAsync();

            public async Task WriteAsync(T message)
            {
                await inner.WriteAsync(message);
                Interlocked.Increment(ref owner._written);
            }
        }
    }

    /// <summary>A bare HTTP/2 server that keeps each RecordRoute request body and answers with a summary counting its messages.</summary>
    private sealed class BodyCapture : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private BodyCapture(WebApplication app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public byte[] LastBody { get; private set; } = [];

        public CoalescingHandler? Handler { get; set; }

        public static async Task<BodyCapture> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            BodyCapture? capture = null;
            app.MapPost(RawGrpc.RecordRoutePath, async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                var bytes = body.ToArray();
                capture!.LastBody = bytes;
                var messages = 0;
                for (var at = 0; at + 5 <= bytes.Length; at += 5 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at + 1)))
                {
                    messages++;
                }

                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(RawGrpc.Frame(new RouteSummary { PointCount = messages }.ToByteArray()));
                context.Response.AppendTrailer("grpc-status", "0");
            });
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            capture = new BodyCapture(app, address);
            return capture;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
