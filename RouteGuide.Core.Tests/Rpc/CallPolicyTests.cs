using System.Diagnostics.Metrics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// How <see cref="RouteGuideCallPolicy"/> ends calls that do not simply succeed, driven directly with a
/// call context and streams of the test's own, no host: the order of events is the test's, not the network's.
/// </summary>
public class CallPolicyTests
{
    private static readonly Point[] ThreePoints = [new() { Latitude = 1, Longitude = 1 }, new() { Latitude = 2, Longitude = 2 }, new() { Latitude = 3, Longitude = 3 }];

    private FakeLogger<RouteGuideCallPolicy> _logger = null!;
    private CancellationTokenSource _stopping = null!;
    private ServiceProvider _metrics = null!;
    private MetricCollector<long> _activeCalls = null!;
    private RouteGuideCallPolicy _policy = null!;

    [SetUp]
    public void SetUp()
    {
        _logger = new FakeLogger<RouteGuideCallPolicy>();
        _stopping = new CancellationTokenSource();
        _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _metrics.GetRequiredService<IMeterFactory>();
        _activeCalls = new MetricCollector<long>(meters, RouteGuideCallPolicy.MeterName, "routeguide.server.active_calls");
        _policy = new RouteGuideCallPolicy(RouteGuideServiceOptions.Default, _logger, meters, serverStopping: _stopping.Token);
    }

    [TearDown]
    public void TearDown()
    {
        _activeCalls.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    private long ActiveCalls => _activeCalls.GetMeasurementSnapshot().Sum(m => m.Value);

    public static IEnumerable<TestCaseData> UnreadableMessages()
    {
        yield return Unreadable("invalid protobuf", ProtobufParseError(), "Message 2 of the request stream is not a valid Point.");
        yield return Unreadable("a length prefix over 2 GiB", new IOException("Message too large: 4294967295"), "Message 2 of the request stream could not be read.");
        yield return Unreadable("corrupt compressed data", new InvalidDataException("The archive entry was compressed using an unsupported compression method."), "Message 2 of the request stream could not be read.");
        yield return Unreadable("a status from the host's reader", new RpcException(new Status(StatusCode.Internal, "The message is not valid gzip: it is truncated or corrupt.")), "Message 2 of the request stream could not be read: The message is not valid gzip: it is truncated or corrupt.");
    }

    [TestCaseSource(nameof(UnreadableMessages))]
    public async Task A_request_message_that_cannot_be_read_is_Internal_naming_its_index_and_logged_as_information(Exception readError, string detail)
    {
        var status = await EndOf(RecordRoute(Stream(ThreePoints.Take(2), readError)));

        status.Should().Be(new Status(StatusCode.Internal, detail));
        ShouldHaveLoggedOnly(LogLevel.Information, "RecordRoute rejected: request message 2 could not be read");
    }

    [Test]
    public async Task A_size_limit_the_host_enforces_while_reading_keeps_its_status()
    {
        var tooLarge = new RpcException(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));

        var status = await EndOf(RecordRoute(Stream<Point>([], tooLarge)));

        status.Should().Be(tooLarge.Status);
        ShouldHaveLoggedOnly(LogLevel.Information, "RecordRoute rejected: Received message exceeds the maximum configured message size. (ResourceExhausted)");
    }

    [Test]
    public async Task The_services_InvalidArgument_passes_through_and_is_logged_as_information()
    {
        var service = new RouteGuideService(FeatureCatalog.Default, new RouteRecorderFactory(FeatureCatalog.Default));
        Point[] route = [.. ThreePoints, new() { Latitude = 950_000_000, Longitude = 0 }];

        var status = await EndOf(_policy.ClientStreamingServerHandler(Stream(route), Context("RecordRoute"), service.RecordRoute));

        status.StatusCode.Should().Be(StatusCode.InvalidArgument);
        status.Detail.Should().StartWith("Point 3 of the route (zero-based index): ").And.Contain("950000000");
        ShouldHaveLoggedOnly(LogLevel.Information, "RecordRoute rejected: Point 3 ");
    }

    public static IEnumerable<TestCaseData> HostFailures()
    {
        yield return new TestCaseData(new IOException("store offline")).SetArgDisplayNames("an IOException");
        yield return new TestCaseData(new ArgumentOutOfRangeException("latitude", "a recorder's own range check")).SetArgDisplayNames("an ArgumentOutOfRangeException");
        yield return new TestCaseData(ProtobufParseError()).SetArgDisplayNames("an InvalidProtocolBufferException");
    }

    [TestCaseSource(nameof(HostFailures))]
    public async Task An_exception_from_the_hosts_own_code_is_Internal_without_details_and_logged_as_an_error(Exception failure)
    {
        // The handler read two points, then the host's recorder failed: the same exception types as a
        // broken request stream, told apart because the request stream did not throw them.
        var status = await EndOf(_policy.ClientStreamingServerHandler<Point, RouteSummary>(Stream(ThreePoints), Context("RecordRoute"), async (stream, context) =>
        {
            await stream.MoveNext(context.CancellationToken);
            await stream.MoveNext(context.CancellationToken);
            throw failure;
        }));

        status.Should().Be(new Status(StatusCode.Internal, "RecordRoute failed on the server."));
        _logger.Collector.GetSnapshot().Should().ContainSingle().Which.Should().Match<FakeLogRecord>(r => r.Level == LogLevel.Error && r.Message == "RecordRoute failed." && r.Exception == failure);
    }

    [Test]
    public async Task A_unary_method_failing_in_the_hosts_feature_store_is_Internal_and_logged_as_an_error()
    {
        var status = await EndOf(_policy.UnaryServerHandler<Point, Feature>(new Point(), Context("GetFeature"), (_, _) => throw new IOException("store offline")));

        status.Should().Be(new Status(StatusCode.Internal, "GetFeature failed on the server."));
        ShouldHaveLoggedOnly(LogLevel.Error, "GetFeature failed.");
    }

    [Test]
    public async Task An_unreachable_note_store_is_Unavailable_without_its_details_and_logged_as_a_warning_with_the_cause()
    {
        var unreachable = new RouteNoteStoreUnavailableException(
            "The Redis note store at 10.0.0.9:6379 is unreachable: It was not possible to connect to the redis server(s).",
            new TimeoutException("Timeout connecting to 10.0.0.9:6379"));
        var store = new FailingNoteStore(unreachable);
        var service = new RouteGuideService(FeatureCatalog.Default, new RouteRecorderFactory(FeatureCatalog.Default), notes: store);
        var note = new RouteNote { Location = new Point { Latitude = 1, Longitude = 1 }, Message = "hello" };
        var replies = new FakeResponseStream<RouteNote>(_ => Task.CompletedTask);

        var status = await EndOf(_policy.DuplexStreamingServerHandler(Stream([note]), replies, Context("RouteChat"), service.RouteChat));

        status.Should().Be(new Status(StatusCode.Unavailable, "RouteChat failed: the note store is unreachable; try again later."));
        store.Posts.Should().Be(1, "the note was validated and handed to the store");
        replies.Written.Should().Be(0);
        _logger.Collector.GetSnapshot().Should().ContainSingle().Which.Should().Match<FakeLogRecord>(r =>
            r.Level == LogLevel.Warning && r.Message == "RouteChat failed: the note store is unreachable." && r.Exception == unreachable);
        ActiveCalls.Should().Be(0);
    }

    [Test]
    public async Task A_note_store_failing_otherwise_is_a_server_failure_not_Unavailable()
    {
        var broken = new InvalidOperationException("a bug in the store");
        var service = new RouteGuideService(FeatureCatalog.Default, new RouteRecorderFactory(FeatureCatalog.Default), notes: new FailingNoteStore(broken));
        var note = new RouteNote { Location = new Point { Latitude = 1, Longitude = 1 }, Message = "hello" };

        var status = await EndOf(_policy.DuplexStreamingServerHandler(Stream([note]), new FakeResponseStream<RouteNote>(_ => Task.CompletedTask), Context("RouteChat"), service.RouteChat));

        status.Should().Be(new Status(StatusCode.Internal, "RouteChat failed on the server."));
        ShouldHaveLoggedOnly(LogLevel.Error, "RouteChat failed.");
    }

    [TestCase(false, StatusCode.Cancelled)]
    [TestCase(true, StatusCode.DeadlineExceeded)]
    public async Task A_call_whose_token_is_cancelled_ends_without_an_error_log(bool deadlinePassed, StatusCode expected)
    {
        using var cancellation = new CancellationTokenSource();
        var deadline = deadlinePassed ? DateTime.UtcNow.AddSeconds(-1) : DateTime.MaxValue;
        var stream = new FakeRequestStream<Point>(async token =>
        {
            await cancellation.CancelAsync();
            throw new IOException("The client reset the request stream.");
        });

        var status = await EndOf(_policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute", deadline, cancellation.Token), ReadAll));

        status.StatusCode.Should().Be(expected);
        ShouldHaveLoggedOnly(LogLevel.Debug, $"RecordRoute ended early by the client or its deadline ({expected}).");
    }

    [TestCase(false, StatusCode.Cancelled)]
    [TestCase(true, StatusCode.DeadlineExceeded)]
    public async Task A_reset_the_hosts_reader_reports_before_the_token_is_cancelled_is_the_client_ending_the_call(bool deadlinePassed, StatusCode expected)
    {
        // Kestrel fails the request body at once on a client's RST_STREAM and cancels the call's token only
        // afterwards; the batch reader says which failure that is, so the token's state does not matter.
        var deadline = deadlinePassed ? DateTime.UtcNow.AddSeconds(-1) : DateTime.MaxValue;
        var reset = new RequestStreamAbortedException(new IOException("The client reset the request stream."));

        var status = await EndOf(_policy.ClientStreamingServerHandler<Point, RouteSummary>(Stream(ThreePoints.Take(2), reset), Context("RecordRoute", deadline), ReadAll));

        status.StatusCode.Should().Be(expected);
        ShouldHaveLoggedOnly(LogLevel.Debug, $"RecordRoute ended early by the client or its deadline ({expected}).");
    }

    [Test]
    public async Task A_reset_the_host_has_seen_before_it_cancels_the_token_is_an_early_ending_not_an_unreadable_message()
    {
        // Kestrel fails the read at once when the client resets the stream, and cancels the call's token
        // later on the thread pool; the host tells its transport's failures by the read's exception.
        var policy = new RouteGuideCallPolicy(_logger, requestComplete: null, requestAborted: (_, readFailure) => readFailure is IOException);
        var stream = new FakeRequestStream<Point>(_ => throw new IOException("The client reset the request stream."));

        var status = await EndOf(policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), ReadAll));

        status.StatusCode.Should().Be(StatusCode.Cancelled);
        ShouldHaveLoggedOnly(LogLevel.Debug, "RecordRoute ended early by the client or its deadline (Cancelled).");
    }

    [Test]
    public async Task The_host_is_asked_about_the_request_streams_failures_only_so_a_handlers_own_IOException_stays_a_server_failure()
    {
        var policy = new RouteGuideCallPolicy(_logger, requestComplete: null, requestAborted: (_, readFailure) => readFailure is IOException);

        var status = await EndOf(policy.ClientStreamingServerHandler<Point, RouteSummary>(
            Stream(ThreePoints), Context("RecordRoute"), (_, _) => throw new IOException("The host's disk is full.")));

        status.StatusCode.Should().Be(StatusCode.Internal);
        status.Detail.Should().Be("RecordRoute failed on the server.");
        _logger.Collector.GetSnapshot().Should().ContainSingle().Which.Level.Should().Be(LogLevel.Error);
    }

    [Test]
    public async Task A_response_stream_that_broke_is_a_client_that_went_away_not_a_server_failure()
    {
        var writer = new FakeResponseStream<Feature>(_ => throw new IOException("The client reset the response stream."));

        var status = await EndOf(_policy.ServerStreamingServerHandler<Rectangle, Feature>(new Rectangle(), writer, Context("ListFeatures"), (_, stream, _) => stream.WriteAsync(new Feature())));

        status.StatusCode.Should().Be(StatusCode.Cancelled);
        ShouldHaveLoggedOnly(LogLevel.Debug, "ListFeatures ended early by the client or its deadline (Cancelled).");
    }

    [Test]
    public async Task When_the_server_stops_a_call_waiting_for_its_next_message_ends_with_Unavailable()
    {
        var reading = new TaskCompletionSource();
        var stream = new FakeRequestStream<Point>(async token =>
        {
            reading.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return false;
        });
        var call = _policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), ReadAll);
        await reading.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await _stopping.CancelAsync();

        (await EndOf(call)).Should().Be(new Status(StatusCode.Unavailable, "The server is shutting down; retry the call."));
        ShouldHaveLoggedOnly(LogLevel.Information, "RecordRoute ended by the server: it is shutting down (Unavailable).");
        ActiveCalls.Should().Be(0);
    }

    [Test]
    public async Task When_the_server_stops_a_call_that_already_half_closed_gets_its_answer()
    {
        var service = new RouteGuideService(FeatureCatalog.Default, new RouteRecorderFactory(FeatureCatalog.Default));
        var halfClosed = new FakeRequestStream<Point>(_ => Task.FromResult(false));
        await _stopping.CancelAsync();

        var summary = await _policy.ClientStreamingServerHandler(Stream(ThreePoints), Context("RecordRoute"), service.RecordRoute);

        summary.PointCount.Should().Be(3);
        _logger.Collector.GetSnapshot().Should().BeEmpty();
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task When_the_server_stops_the_host_says_which_calls_half_closed(bool halfClosed)
    {
        // Buffered points either way: only a client that half-closed gets its answer.
        using var stopping = new CancellationTokenSource();
        var policy = new RouteGuideCallPolicy(_logger, _ => halfClosed, serverStopping: stopping.Token);
        await stopping.CancelAsync();

        var call = policy.ClientStreamingServerHandler<Point, RouteSummary>(Stream(ThreePoints), Context("RecordRoute"), ReadAll);

        if (halfClosed)
        {
            (await call).PointCount.Should().Be(3);
        }
        else
        {
            (await EndOf(call)).StatusCode.Should().Be(StatusCode.Unavailable);
        }
    }

    [Test]
    public async Task When_the_server_stops_a_server_streaming_call_ends_with_Unavailable()
    {
        var writer = new FakeResponseStream<Feature>(_ => Task.CompletedTask);
        await _stopping.CancelAsync();

        var status = await EndOf(_policy.ServerStreamingServerHandler<Rectangle, Feature>(new Rectangle(), writer, Context("ListFeatures"), (_, stream, _) => stream.WriteAsync(new Feature())));

        status.StatusCode.Should().Be(StatusCode.Unavailable);
        writer.Written.Should().Be(0);
    }

    [Test]
    public async Task Active_calls_are_counted_while_they_run_and_released_on_every_ending()
    {
        var release = new TaskCompletionSource<bool>();
        var running = _policy.ClientStreamingServerHandler<Point, RouteSummary>(new FakeRequestStream<Point>(_ => release.Task), Context("RecordRoute"), ReadAll);

        ActiveCalls.Should().Be(1);
        release.SetException(new IOException("Message too large: 4294967295"));
        await EndOf(running);

        ActiveCalls.Should().Be(0);
    }

    private static InvalidProtocolBufferException ProtobufParseError()
    {
        try
        {
            Point.Parser.ParseFrom([0x0A, 0x7F, 0x01]);
        }
        catch (InvalidProtocolBufferException e)
        {
            return e;
        }

        throw new InvalidOperationException("The bytes parsed.");
    }

    private static TestCaseData Unreadable(string what, Exception readError, string detail) =>
        new TestCaseData(readError, detail).SetArgDisplayNames(what);

    private static FakeCallContext Context(string method, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        new(method, deadline ?? DateTime.MaxValue, cancellationToken);

    private Task<RouteSummary> RecordRoute(IAsyncStreamReader<Point> stream) =>
        _policy.ClientStreamingServerHandler<Point, RouteSummary>(stream, Context("RecordRoute"), ReadAll);

    private static async Task<RouteSummary> ReadAll(IAsyncStreamReader<Point> stream, ServerCallContext context)
    {
        var count = 0;
        await foreach (var _ in stream.ReadAllAsync(context.CancellationToken))
        {
            count++;
        }

        return new RouteSummary { PointCount = count };
    }

    /// <summary>A request stream that yields <paramref name="messages"/>, then throws <paramref name="error"/> (or ends).</summary>
    private static FakeRequestStream<T> Stream<T>(IEnumerable<T> messages, Exception? error = null)
    {
        var remaining = new Queue<T>(messages);
        var stream = null as FakeRequestStream<T>;
        stream = new FakeRequestStream<T>(_ =>
        {
            if (remaining.TryDequeue(out var message))
            {
                stream!.Current = message;
                return Task.FromResult(true);
            }

            return error is null ? Task.FromResult(false) : Task.FromException<bool>(error);
        });
        return stream;
    }

    private static async Task<Status> EndOf(Task call)
    {
        var error = (await FluentActions.Awaiting(() => call.WaitAsync(TimeSpan.FromSeconds(20))).Should().ThrowAsync<RpcException>()).Which;
        return error.Status;
    }

    private void ShouldHaveLoggedOnly(LogLevel level, string messageStart)
    {
        var record = _logger.Collector.GetSnapshot().Should().ContainSingle().Which;
        record.Level.Should().Be(level);
        record.Message.Should().StartWith(messageStart);
        if (level < LogLevel.Error)
        {
            record.Exception.Should().BeNull("a call's ending that is not the server's fault is logged without a stack trace");
        }
    }

    private sealed class FakeRequestStream<T>(Func<CancellationToken, Task<bool>> moveNext) : IAsyncStreamReader<T>
    {
        public T Current { get; set; } = default!;

        public Task<bool> MoveNext(CancellationToken cancellationToken) => moveNext(cancellationToken);
    }

    /// <summary>A note store whose every post fails with <paramref name="failure"/>.</summary>
    private sealed class FailingNoteStore(Exception failure) : IRouteNoteStore
    {
        public int Posts { get; private set; }

        public ValueTask<IReadOnlyList<LocationNote>> PostAsync(LocationNote note, CancellationToken cancellationToken = default)
        {
            Posts++;
            return ValueTask.FromException<IReadOnlyList<LocationNote>>(failure);
        }
    }

    private sealed class FakeResponseStream<T>(Func<T, Task> write) : IServerStreamWriter<T>
    {
        public int Written { get; private set; }

        public WriteOptions? WriteOptions { get; set; }

        public async Task WriteAsync(T message)
        {
            await write(message);
            Written++;
        }
    }
}
