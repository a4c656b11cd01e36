using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// The call limits of <see cref="RouteGuideCallPolicy"/> (idle timeout, route duration, route points),
/// driven directly with a fake clock and request streams the test feeds: no host, no real waiting.
/// </summary>
public class CallLimitTests
{
    private static readonly Point OnePoint = new() { Latitude = 1, Longitude = 1 };

    private FakeTimeProvider _time = null!;
    private FakeLogger<RouteGuideCallPolicy> _logger = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _logger = new FakeLogger<RouteGuideCallPolicy>();
    }

    [Test]
    public async Task A_route_that_sends_nothing_for_the_idle_timeout_ends_with_DeadlineExceeded_logged_as_information()
    {
        var policy = Policy(RouteGuideServiceOptions.Default);
        var stream = new FedStream();
        stream.Send(OnePoint);
        stream.Send(OnePoint);
        var call = policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), CountPoints);
        await stream.Consumed(2);

        AdvanceInSteps(TimeSpan.FromSeconds(59));
        call.IsCompleted.Should().BeFalse("the default idle timeout is 60 s");
        AdvanceInSteps(TimeSpan.FromSeconds(16));

        var status = await EndOf(call);
        status.Should().Be(new Status(StatusCode.DeadlineExceeded, "RecordRoute sent no message for 60 s, the server's idle timeout; the call was ended."));
        var record = _logger.Collector.GetSnapshot().Should().ContainSingle().Which;
        record.Level.Should().Be(LogLevel.Information);
        record.Message.Should().Be("RecordRoute ended by the server: no message for 60 s, its idle timeout (DeadlineExceeded).");
    }

    [Test]
    public async Task A_route_sending_a_point_every_50_seconds_is_not_idle_but_ends_at_its_duration_limit()
    {
        var policy = Policy(RouteGuideServiceOptions.Default with { MaxRouteDuration = TimeSpan.FromMinutes(10) });
        var stream = new FedStream();
        var call = policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), CountPoints);

        // Twelve points 50 s apart: 600 s, the duration limit, with no gap as long as the idle timeout.
        for (var i = 1; i <= 12; i++)
        {
            stream.Send(OnePoint);
            await stream.Consumed(i);
            _time.Advance(TimeSpan.FromSeconds(50));
            if (i < 12)
            {
                call.IsCompleted.Should().BeFalse($"after {i * 50} s and {i} points the route is within its limits");
            }
        }

        var status = await EndOf(call);
        status.Should().Be(new Status(StatusCode.ResourceExhausted, "RecordRoute was still streaming after 600 s, the server's limit on one call; send the rest in another call."));
        _logger.Collector.GetSnapshot().Should().ContainSingle().Which.Message.Should().Be("RecordRoute ended by the server: still streaming after 600 s, its duration limit (ResourceExhausted).");
    }

    [Test]
    public async Task A_route_past_its_point_limit_ends_with_ResourceExhausted_naming_the_refused_point()
    {
        var policy = Policy(RouteGuideServiceOptions.Default with { MaxRoutePoints = 3 });
        var stream = new FedStream();
        for (var i = 0; i < 5; i++)
        {
            stream.Send(OnePoint);
        }

        var status = await EndOf(policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), CountPoints));

        status.Should().Be(new Status(StatusCode.ResourceExhausted, "RecordRoute accepts at most 3 messages per call; message 3 (zero-based index) was refused. Send the rest in another call."));
        _logger.Collector.GetSnapshot().Should().ContainSingle().Which.Level.Should().Be(LogLevel.Information);
    }

    [Test]
    public async Task A_route_of_exactly_its_point_limit_gets_its_summary()
    {
        var policy = Policy(RouteGuideServiceOptions.Default with { MaxRoutePoints = 3 });
        var stream = new FedStream();
        for (var i = 0; i < 3; i++)
        {
            stream.Send(OnePoint);
        }

        stream.Complete();

        (await policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), CountPoints)).PointCount.Should().Be(3);
    }

    [Test]
    public void A_batch_read_loop_reporting_its_points_is_held_to_the_same_limit()
    {
        var limits = CallLimits.ForRoutes(RouteGuideServiceOptions.Default with { MaxRoutePoints = 1_000 });
        using var call = new PolicedCall(Context("RecordRoute"), "Point", null, limits, _time, CancellationToken.None);

        call.Received(600);
        call.Received(400);
        var refused = FluentActions.Invoking(() => call.Received(1)).Should().Throw<RpcException>().Which;

        refused.StatusCode.Should().Be(StatusCode.ResourceExhausted);
        refused.Status.Detail.Should().Contain("message 1000 (zero-based index) was refused");
        call.MessagesRead.Should().Be(1_001, "every point that arrived is counted, the refused one included");
    }

    [TestCase(5)]
    [TestCase(4)]
    public async Task A_batch_past_the_point_limit_hands_out_the_points_before_it_then_refuses_the_one_at_the_limit(int batchLength)
    {
        var limits = CallLimits.ForRoutes(RouteGuideServiceOptions.Default with { MaxRoutePoints = 3 });
        using var call = new PolicedCall(Context("RecordRoute"), "Point", null, limits, _time, CancellationToken.None);
        var inner = new FedBatches([.. Enumerable.Range(0, batchLength).Select(i => new WirePoint(i, i))]);
        var reader = new PolicedPointBatchReader(inner, call);

        var first = await reader.ReadBatchAsync(CancellationToken.None);
        first.ToArray().Should().Equal(new WirePoint(0, 0), new WirePoint(1, 1), new WirePoint(2, 2));
        call.MessagesRead.Should().Be(3);
        var refused = (await FluentActions.Awaiting(() => reader.ReadBatchAsync(CancellationToken.None).AsTask()).Should().ThrowAsync<RpcException>()).Which;

        refused.Status.Should().Be(new Status(StatusCode.ResourceExhausted, "RecordRoute accepts at most 3 messages per call; message 3 (zero-based index) was refused. Send the rest in another call."));
        call.MessagesRead.Should().Be(4, "the points before the limit and the refused one, as on the standard path");
        inner.Reads.Should().Be(1, "nothing past the refused point is read");
    }

    [Test]
    public async Task A_batch_after_a_route_of_exactly_its_limit_is_refused_at_its_first_point_and_an_end_is_not()
    {
        var limits = CallLimits.ForRoutes(RouteGuideServiceOptions.Default with { MaxRoutePoints = 3 });
        using var call = new PolicedCall(Context("RecordRoute"), "Point", null, limits, _time, CancellationToken.None);
        using var other = new PolicedCall(Context("RecordRoute"), "Point", null, limits, _time, CancellationToken.None);
        WirePoint[] three = [new(1, 1), new(2, 2), new(3, 3)];
        var more = new PolicedPointBatchReader(new FedBatches(three, [new(4, 4), new(5, 5)]), call);
        var ended = new PolicedPointBatchReader(new FedBatches(three, []), other);

        (await more.ReadBatchAsync(CancellationToken.None)).Length.Should().Be(3);
        await FluentActions.Awaiting(() => more.ReadBatchAsync(CancellationToken.None).AsTask()).Should().ThrowAsync<RpcException>();
        (await ended.ReadBatchAsync(CancellationToken.None)).Length.Should().Be(3);
        (await ended.ReadBatchAsync(CancellationToken.None)).IsEmpty.Should().BeTrue();

        (call.MessagesRead, other.MessagesRead).Should().Be((4, 3));
    }

    [Test]
    public async Task Points_of_a_batch_after_the_one_its_handler_failed_at_do_not_count_as_read()
    {
        using var call = new PolicedCall(Context("RecordRoute"), "Point", null, CallLimits.ForRoutes(RouteGuideServiceOptions.Default), _time, CancellationToken.None);
        WirePoint[] five = [new(1, 1), new(2, 2), new(3, 3), new(4, 4), new(5, 5)];
        var reader = new PolicedPointBatchReader(new FedBatches(five), call);

        (await reader.ReadBatchAsync(CancellationToken.None)).Length.Should().Be(5);
        reader.Unread(3);

        call.MessagesRead.Should().Be(2, "the handler failed the call at the second point");
    }

    [Test]
    public async Task A_chat_that_sends_nothing_for_the_idle_timeout_ends_with_DeadlineExceeded()
    {
        var policy = Policy(RouteGuideServiceOptions.Default with { IdleTimeout = TimeSpan.FromSeconds(10) });
        var stream = new FedStream();
        var call = policy.DuplexStreamingServerHandler<Point, Point>(stream, new DiscardingWriter(), Context("RouteChat"), async (requests, _, context) =>
        {
            await foreach (var note in requests.ReadAllAsync(context.CancellationToken))
            {
            }
        });

        AdvanceInSteps(TimeSpan.FromSeconds(13));

        (await EndOf(call)).Should().Be(new Status(StatusCode.DeadlineExceeded, "RouteChat sent no message for 10 s, the server's idle timeout; the call was ended."));
    }

    [Test]
    public async Task With_both_time_limits_off_an_idle_route_waits_until_its_client_or_the_server_ends_it()
    {
        using var stopping = new CancellationTokenSource();
        var options = RouteGuideServiceOptions.Default with { IdleTimeout = Timeout.InfiniteTimeSpan, MaxRouteDuration = Timeout.InfiniteTimeSpan };
        var policy = new RouteGuideCallPolicy(options, _logger, timeProvider: _time, serverStopping: stopping.Token);
        var stream = new FedStream();
        var call = policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), CountPoints);

        _time.Advance(TimeSpan.FromDays(3));
        call.IsCompleted.Should().BeFalse();
        await stopping.CancelAsync();

        (await EndOf(call)).StatusCode.Should().Be(StatusCode.Unavailable);
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void A_time_limit_of_zero_or_less_is_refused_naming_the_option(int seconds)
    {
        var options = RouteGuideServiceOptions.Default with { IdleTimeout = TimeSpan.FromSeconds(seconds) };

        FluentActions.Invoking(() => new RouteGuideCallPolicy(options)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("IdleTimeout");
    }

    [Test]
    public void A_point_limit_past_what_a_summary_can_report_is_refused()
    {
        var options = RouteGuideServiceOptions.Default with { MaxRoutePoints = int.MaxValue + 1L };

        FluentActions.Invoking(() => new RouteGuideCallPolicy(options)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxRoutePoints");
    }

    /// <summary>
    /// Moves the fake clock one second at a time: a timer that falls due within one <c>Advance</c> runs
    /// when the clock already reads its end, so one long jump would look like a single moment.
    /// </summary>
    private void AdvanceInSteps(TimeSpan total)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private RouteGuideCallPolicy Policy(RouteGuideServiceOptions options) => new(options, _logger, timeProvider: _time);

    private static FakeCallContext Context(string method) => new(method, DateTime.MaxValue, CancellationToken.None);

    private static async Task<RouteSummary> CountPoints(IAsyncStreamReader<Point> stream, ServerCallContext context)
    {
        var count = 0;
        await foreach (var _ in stream.ReadAllAsync(context.CancellationToken))
        {
            count++;
        }

        return new RouteSummary { PointCount = count };
    }

    private static async Task<Status> EndOf(Task call)
    {
        var error = (await FluentActions.Awaiting(() => call.WaitAsync(TimeSpan.FromSeconds(20))).Should().ThrowAsync<RpcException>()).Which;
        return error.Status;
    }

    /// <summary>A request stream the test feeds message by message; a read waits for the next one, as a real one waits for the network.</summary>
    private sealed class FedStream : IAsyncStreamReader<Point>
    {
        private readonly Channel<Point> _messages = Channel.CreateUnbounded<Point>();
        private int _reads;

        public Point Current { get; private set; } = null!;

        public void Send(Point point) => _messages.Writer.TryWrite(point).Should().BeTrue();

        public void Complete() => _messages.Writer.Complete();

        /// <summary>Waits (up to 20 s) until the handler has taken <paramref name="count"/> messages and asked for the next.</summary>
        public async Task Consumed(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (Volatile.Read(ref _reads) <= count)
            {
                await Task.Delay(1, timeout.Token);
            }
        }

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            if (!await _messages.Reader.WaitToReadAsync(cancellationToken))
            {
                return false;
            }

            Current = await _messages.Reader.ReadAsync(cancellationToken);
            return true;
        }
    }

    /// <summary>A batch reader that hands out the given batches, then the end of the stream.</summary>
    private sealed class FedBatches(params WirePoint[][] batches) : IPointBatchReader
    {
        public int Reads { get; private set; }

        public ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<ReadOnlyMemory<WirePoint>>(Reads < batches.Length ? batches[Reads++] : ReadOnlyMemory<WirePoint>.Empty);

        public void Unread(int count)
        {
        }
    }

    private sealed class DiscardingWriter : IServerStreamWriter<Point>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(Point message) => Task.CompletedTask;
    }
}
