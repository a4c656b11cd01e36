using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.FastPath;

/// <summary>
/// The RecordRoute fast path over real loopback HTTP/2: exact results, delivery of a point followed
/// by a pause, bounded buffering, and cancellation and deadlines while the writer is held back by flow
/// control. Nothing here is timed; speed is measured only in RouteGuide.Benchmarks.
/// </summary>
[TestFixture]
public class FastPathTests
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [Test]
    public async Task A_million_points_in_one_call_get_exactly_the_local_summary_in_few_full_sends()
    {
        await using var fast = await FastPathHost.StartAsync();
        var route = Routes.Random(11, Catalog, count: 1_000_000);

        var summary = await fast.Host.Client.RecordRouteAsync(route);

        var expected = Routes.RecordLocally(route, Catalog);
        summary.PointCount.Should().Be(1_000_000);
        summary.FeatureCount.Should().Be((int)expected.FeatureCount);
        summary.Distance.Should().Be(expected.ToSummary().Distance);

        var counters = fast.Handler.Counters;
        var bodyBytes = route.Sum(point => 5L + point.CalculateSize());
        counters.WrappedRequests.Should().Be(1);
        counters.SentBytes.Should().Be(bodyBytes, "the body is byte for byte what Grpc.Net.Client wrote");
        counters.PeakBufferedBytes.Should().BeLessThanOrEqualTo(fast.Handler.Options.BufferSize);
        counters.Sends.Should().BeLessThan(bodyBytes / 1_000, "messages travel together, not one send each");
    }

    [Test]
    public async Task A_point_followed_by_a_pause_reaches_the_server_without_more_points_or_the_end_of_the_stream()
    {
        await using var fast = await FastPathHost.StartAsync();
        using var call = fast.Host.Client.RecordRoute();

        await call.RequestStream.WriteAsync(new Point { Latitude = 1, Longitude = 2 });

        // Observed, not slept on: the server's recorder signals when it has the point.
        await fast.Recorders.FirstPoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
        fast.Handler.Counters.DeferredFlushes.Should().BeGreaterThanOrEqualTo(1, "the point was sent by the deferred flush");

        await call.RequestStream.WriteAsync(new Point { Latitude = 3, Longitude = 4 });
        await call.RequestStream.CompleteAsync();
        var summary = await call.ResponseAsync;
        summary.PointCount.Should().Be(2);
        call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
    }

    [Test]
    public async Task A_slow_synchronous_source_on_the_bulk_path_gets_its_points_to_the_server_while_it_still_produces()
    {
        // A point every millisecond: by the 64th point written in bulk the oldest has waited past the 1 ms
        // flush delay, so they are sent and flushed then, not held until the buffers fill or the route ends.
        await using var fast = await FastPathHost.StartAsync();

        var summary = await fast.Host.Client.RecordRouteAsync(SlowRoute(fast.Recorders), deadline: DateTime.UtcNow.AddSeconds(90));

        summary.PointCount.Should().Be(100);
        fast.Handler.Counters.BulkCalls.Should().Be(1, "the route was written in bulk");

        static IEnumerable<Point> SlowRoute(ObservedRecorders recorders)
        {
            for (var i = 0; i < 100; i++)
            {
                if (i == 95)
                {
                    // Observed, bounded: the server must have most of the route before the source goes on.
                    var waited = Stopwatch.StartNew();
                    while (recorders.PointsRecorded < 60 && waited.Elapsed < TimeSpan.FromSeconds(30))
                    {
                        Thread.Sleep(5);
                    }

                    recorders.PointsRecorded.Should().BeGreaterThanOrEqualTo(60, "points of a slow source leave while it is still producing");
                }

                Thread.Sleep(1);
                yield return new Point { Latitude = i, Longitude = i };
            }
        }
    }

    [Test]
    public async Task A_blocked_server_holds_the_writer_back_and_cancellation_interrupts_it()
    {
        await using var fast = await FastPathHost.StartAsync(blockAfterFirstPoint: true);
        using var cancellation = new CancellationTokenSource();
        using var call = fast.Host.Client.RecordRoute(cancellationToken: cancellation.Token);
        const int Offered = 3_000_000;
        var written = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Offered; i++)
            {
                await call.RequestStream.WriteAsync(new Point { Latitude = i % 1000, Longitude = -i % 2000 });
                written++;
            }
        });

        await fast.Recorders.FirstPoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await fast.Host.Eventually(() => fast.Handler.Counters.SentBytes > 4 * fast.Handler.Options.BufferSize || writer.IsCompleted, "the writer has sent several buffers");
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => writer).Should().ThrowAsync<Exception>()
            .Where(e => e is OperationCanceledException || (e is RpcException && ((RpcException)e).StatusCode == StatusCode.Cancelled));
        TestContext.Out.WriteLine($"written {written}, sent {fast.Handler.Counters.SentBytes} bytes in {fast.Handler.Counters.Sends} sends");
        written.Should().BeLessThan(Offered, "while the server did not read, the route could not all be taken");
        fast.Handler.Counters.PeakBufferedBytes.Should().BeLessThanOrEqualTo(fast.Handler.Options.BufferSize, "the buffer is fixed");
        (await FluentActions.Awaiting(() => call.ResponseAsync).Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Cancelled);

        fast.Recorders.Release();
        await fast.Host.WaitForNoActiveCallsAsync();
    }

    [Test]
    public async Task A_deadline_interrupts_a_writer_held_back_by_a_blocked_server()
    {
        await using var fast = await FastPathHost.StartAsync(blockAfterFirstPoint: true);
        using var call = fast.Host.Client.RecordRoute(deadline: DateTime.UtcNow.AddSeconds(2));
        var writer = Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                await call.RequestStream.WriteAsync(new Point { Latitude = i % 1000, Longitude = i % 2000 });
            }
        });

        var error = (await FluentActions.Awaiting(() => writer).Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.DeadlineExceeded, error.ToString());
        (await FluentActions.Awaiting(() => call.ResponseAsync).Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.DeadlineExceeded);
        fast.Recorders.FirstPoint.Task.IsCompleted.Should().BeTrue("the server got the first point and then stopped reading");
        fast.Handler.Counters.PeakBufferedBytes.Should().BeLessThanOrEqualTo(fast.Handler.Options.BufferSize);

        fast.Recorders.Release();
        await fast.Host.WaitForNoActiveCallsAsync();
    }

    [Test]
    public async Task The_client_adapter_is_cancelled_while_held_back_by_a_blocked_server()
    {
        await using var fast = await FastPathHost.StartAsync(blockAfterFirstPoint: true);
        using var cancellation = new CancellationTokenSource();

        var call = fast.Host.Client.RecordRouteAsync(Endless(), cancellationToken: cancellation.Token);
        await fast.Recorders.FirstPoint.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await fast.Host.Eventually(() => fast.Handler.Counters.SentBytes > 4 * fast.Handler.Options.BufferSize, "the writer has sent several buffers");
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        fast.Recorders.Release();
        await fast.Host.WaitForNoActiveCallsAsync();
        fast.Host.Errors.Should().BeEmpty();
        (await fast.Host.Client.RecordRouteAsync(Routes.Random(3, Catalog, 5))).PointCount.Should().Be(5, "the channel still works");
    }

    [Test]
    public async Task A_stock_channel_without_the_handler_still_gets_exact_summaries()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog);
        using var stock = GrpcChannel.ForAddress(host.Address);
        var route = Routes.Random(12, Catalog, count: 20_000);

        var summary = await stock.CreateRouteGuideClient().RecordRouteAsync(route);

        var expected = Routes.RecordLocally(route, Catalog);
        summary.PointCount.Should().Be(route.Length);
        summary.FeatureCount.Should().Be((int)expected.FeatureCount);
        summary.Distance.Should().Be(expected.ToSummary().Distance);
    }

    [Test]
    public async Task A_channel_of_your_own_gets_the_fast_path_by_wrapping_its_handler_and_only_RecordRoute_is_buffered()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog);
        var handler = (CoalescingHandler)RouteGuideChannel.WithRecordRouteFastPath(new SocketsHttpHandler());
        using var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        var client = channel.CreateRouteGuideClient();
        var route = Routes.Random(13, Catalog, count: 50_000);

        var summary = await client.RecordRouteAsync(route);
        var feature = await client.GetFeatureAsync(Routes.ToPoint(Catalog.Features[0].Location));
        using (var chat = client.RouteChat())
        {
            await chat.RequestStream.WriteAsync(new RouteNote { Location = new Point { Latitude = 5, Longitude = 5 }, Message = "hello" });
            await chat.RequestStream.CompleteAsync();
            (await chat.ResponseStream.MoveNext()).Should().BeFalse();
        }

        summary.PointCount.Should().Be(route.Length);
        feature.Name.Should().Be(Catalog.Features[0].Name);
        handler.Counters.WrappedRequests.Should().Be(1, "GetFeature and RouteChat pass through untouched");
    }

    [Test]
    public async Task Interceptors_status_and_trailers_work_as_on_a_stock_channel()
    {
        await using var fast = await FastPathHost.StartAsync();
        var interceptor = new CountingInterceptor();
        var client = new RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient(fast.Host.Channel.Intercept(interceptor));
        using var call = client.RecordRoute();

        for (var i = 0; i < 10_000; i++)
        {
            await call.RequestStream.WriteAsync(new Point { Latitude = i, Longitude = -i });
        }

        await call.RequestStream.CompleteAsync();
        (await call.ResponseAsync).PointCount.Should().Be(10_000);
        call.GetStatus().StatusCode.Should().Be(StatusCode.OK);
        call.GetTrailers().Should().NotBeNull();
        interceptor.ClientStreamingCalls.Should().Be(1);
        fast.Handler.Counters.WrappedRequests.Should().Be(1);
    }

    [Test]
    public async Task A_rejected_point_deep_in_a_long_route_reaches_the_client_as_InvalidArgument()
    {
        await using var fast = await FastPathHost.StartAsync();
        var route = Routes.Random(14, Catalog, count: 200_000);
        route[150_000] = new Point { Latitude = 900_000_001, Longitude = 0 };

        var error = (await FluentActions.Awaiting(() => fast.Host.Client.RecordRouteAsync(route)).Should().ThrowAsync<RpcException>()).Which;

        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().StartWith("Point 150000 of the route");
    }

    private sealed class CountingInterceptor : Grpc.Core.Interceptors.Interceptor
    {
        public int ClientStreamingCalls { get; private set; }

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            ClientStreamingCalls++;
            return continuation(context);
        }
    }

    private static IEnumerable<Point> Endless()
    {
        for (var i = 0; ; i++)
        {
            yield return new Point { Latitude = i % 1000, Longitude = i % 2000 };
        }
    }
}
