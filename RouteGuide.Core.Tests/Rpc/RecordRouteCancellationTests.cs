using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// RecordRoute where timing, cancellation and concurrency matter: over real HTTP/2 on loopback only.
/// (ASP.NET Core's in-memory TestServer does not model stream resets and deadlines the way a real
/// HTTP/2 connection does.)
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class RecordRouteCancellationTests(WirePath path)
{
    private static readonly FeatureCatalog Catalog = FeatureCatalog.Default;

    [TestCase(0)]
    [TestCase(5)]
    public async Task A_client_that_cancels_ends_the_handler_and_later_calls_work(int pointsBeforeCancel)
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        using var cancellation = new CancellationTokenSource();
        var serverHasAll = new TaskCompletionSource();
        var endless = Routes.WithHook(Endless(), async (index, token) =>
        {
            if (index + 1 == pointsBeforeCancel || pointsBeforeCancel == 0)
            {
                serverHasAll.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
            }
        });

        var call = host.Client.RecordRouteAsync(endless, cancellationToken: cancellation.Token);
        await serverHasAll.Task;
        await host.Eventually(() => host.ActiveCalls == 1, "the call reached the server");
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        await host.WaitForNoActiveCallsAsync();
        await ShouldHaveEndedOnTheServerAsCancelled(host);
        (await host.Client.RecordRouteAsync(Routes.Random(1, Catalog, 3))).PointCount.Should().Be(3);
    }

    [Test]
    public async Task A_deadline_that_expires_mid_stream_ends_the_call_with_DeadlineExceeded()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        using var stop = new CancellationTokenSource();
        var stalled = Routes.WithHook(Endless(), async (index, _) =>
        {
            if (index == 9)
            {
                // A source that ignores cancellation: the deadline must still end the call.
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
        });

        var call = () => host.Client.RecordRouteAsync(stalled, deadline: DateTime.UtcNow.AddSeconds(1));

        var deadlineError = (await call.Should().ThrowAsync<RpcException>()).Which;
        deadlineError.StatusCode.Should().Be(StatusCode.DeadlineExceeded, deadlineError.ToString());
        await stop.CancelAsync();
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty();
        (await host.Client.RecordRouteAsync(Routes.Random(2, Catalog, 4))).PointCount.Should().Be(4);
    }

    [Test]
    public async Task An_exception_from_the_point_source_cancels_the_call_and_propagates()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);

        var call = () => host.Client.RecordRouteAsync(Failing());

        await call.Should().ThrowAsync<FormatException>().WithMessage("bad input file");
        await host.WaitForNoActiveCallsAsync();

        static IEnumerable<Point> Failing()
        {
            yield return new Point { Latitude = 1, Longitude = 2 };
            throw new FormatException("bad input file");
        }
    }

    // The source's exception may be of a type that a failed write also throws: it must still propagate
    // at once, as the source's, not be taken for a write error that waits for the server's answer.
    private static readonly Func<Exception>[] SourceFailures =
    [
        () => new IOException("disk read failed"),
        () => new InvalidOperationException("collection was modified"),
        () => new OperationCanceledException("source gave up"),
        () => new RpcException(new Status(StatusCode.Unavailable, "upstream feed is down")),
    ];

    [Test]
    public async Task A_source_exception_of_a_type_that_writes_also_throw_propagates_and_ends_the_call(
        [ValueSource(nameof(SourceFailures))] Func<Exception> failure, [Values] bool asynchronous)
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var expected = failure();

        var call = asynchronous
            ? host.Client.RecordRouteAsync(FailingAsync(expected))
            : host.Client.RecordRouteAsync(Failing(expected));

        var thrown = await FluentActions.Awaiting(() => call.WaitAsync(TimeSpan.FromSeconds(20))).Should().ThrowAsync<Exception>();
        thrown.Which.Should().BeSameAs(expected, "the source's own exception propagates unchanged");
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty();
        (await host.Client.RecordRouteAsync(Routes.Random(3, Catalog, 4))).PointCount.Should().Be(4);

        static IEnumerable<Point> Failing(Exception error)
        {
            for (var i = 0; i < 1_000; i++)
            {
                yield return new Point { Latitude = i, Longitude = i };
            }

            throw error;
        }

        static async IAsyncEnumerable<Point> FailingAsync(Exception error)
        {
            for (var i = 0; i < 1_000; i++)
            {
                yield return new Point { Latitude = i, Longitude = i };
            }

            await Task.Yield();
            throw error;
        }
    }

    [Test]
    public async Task A_point_over_the_channels_send_limit_fails_the_call_without_hanging()
    {
        // 12 bytes for a point with large coordinates: over a send limit of 8 bytes, under it for (0, 0).
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, configureChannel: options => options.MaxSendMessageSize = 8, wirePath: path);
        Point[] route = [new Point(), new Point { Latitude = 400_000_000, Longitude = -700_000_000 }];

        var call = host.Client.RecordRouteAsync(route);

        var error = (await FluentActions.Awaiting(() => call.WaitAsync(TimeSpan.FromSeconds(20))).Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.ResourceExhausted, error.ToString());
        await host.WaitForNoActiveCallsAsync();
        (await host.Client.RecordRouteAsync([new Point()])).PointCount.Should().Be(1);
    }

    [Test]
    public async Task Fifty_concurrent_calls_on_one_channel_each_get_their_own_exact_summary()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, Catalog, wirePath: path);
        var routes = Enumerable.Range(0, 50).Select(i => Routes.Random(1000 + i, Catalog, count: 200 + (i * 37))).ToArray();

        var summaries = await Task.WhenAll(routes.Select(route => host.Client.RecordRouteAsync(route)));

        for (var i = 0; i < routes.Length; i++)
        {
            var expected = Routes.RecordLocally(routes[i], Catalog);
            summaries[i].PointCount.Should().Be(routes[i].Length);
            summaries[i].FeatureCount.Should().Be((int)expected.FeatureCount);
            summaries[i].Distance.Should().Be(expected.ToSummary().Distance);
        }
    }

    private static async Task ShouldHaveEndedOnTheServerAsCancelled(RouteGuideTestHost host)
    {
        const string Ended = "RecordRoute ended early by the client or its deadline";
        await host.Eventually(() => host.Logs.GetSnapshot().Any(r => r.Message.StartsWith(Ended, StringComparison.Ordinal)), "the server logged how the call ended");
        host.Logs.GetSnapshot().Where(r => r.Message.StartsWith(Ended, StringComparison.Ordinal)).Select(r => r.Message)
            .Should().Equal($"{Ended} (Cancelled).");
        host.Errors.Should().BeEmpty();
    }

    private static IEnumerable<Point> Endless()
    {
        for (var i = 0; ; i++)
        {
            yield return new Point { Latitude = i % 1000, Longitude = i % 2000 };
        }
    }
}
