using Grpc.Core;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// Many calls that cancel part-way, interleaved with normal ones, over real HTTP/2: the normal ones are
/// exact, and afterwards no call is left open and the server's memory is back near where it started.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class ChurnTests(WirePath path)
{
    private const int Calls = 1_000;
    private const int EveryNthIsNormal = 10;
    private const int Parallelism = 8;
    private const long MemoryToleranceBytes = 20L * 1024 * 1024;

    [Test]
    public async Task A_thousand_calls_cancelled_after_random_points_leave_no_call_open_and_no_memory_behind()
    {
        var catalog = FeatureCatalog.Default;
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, catalog, wirePath: path);

        // Warm up (JIT, connection, buffer pools) so the baseline is the server at rest, not at start.
        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(i => host.Client.RecordRouteAsync(Routes.Random(i, catalog, 500))));
        host.Errors.Should().BeEmpty();
        var before = host.SettledMemory();

        using var gate = new SemaphoreSlim(Parallelism);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Calls).Select(async call =>
        {
            await gate.WaitAsync();
            try
            {
                return call % EveryNthIsNormal == 0 ? await NormalAsync(host, catalog, call) : await CancelledAsync(host, catalog, call);
            }
            finally
            {
                gate.Release();
            }
        }));

        await host.WaitForNoActiveCallsAsync();
        var errors = host.Errors;
        var after = host.SettledMemory();
        TestContext.Out.WriteLine($"Managed memory before {before:N0} B, after {after:N0} B ({after - before:+#,0;-#,0;0} B).");

        outcomes.Count(o => o == Outcome.Exact).Should().Be(Calls / EveryNthIsNormal, "every normal call got its exact summary");
        outcomes.Count(o => o == Outcome.Cancelled).Should().Be(Calls - (Calls / EveryNthIsNormal), "every other call was cancelled");
        errors.Should().BeEmpty();
        after.Should().BeLessThan(before + MemoryToleranceBytes, "cancelled calls leave nothing behind on the server");
        (await host.Client.RecordRouteAsync(Routes.Random(1, catalog, 10))).PointCount.Should().Be(10);
    }

    private static async Task<Outcome> NormalAsync(RouteGuideTestHost host, FeatureCatalog catalog, int call)
    {
        var route = Routes.Random(call, catalog, new Random(call).Next(1, 300));
        var summary = await host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.AddMinutes(1));
        var expected = Routes.RecordLocally(route, catalog);
        summary.PointCount.Should().Be(route.Length, $"call {call}");
        summary.FeatureCount.Should().Be((int)expected.FeatureCount, $"call {call}");
        summary.Distance.Should().Be(expected.ToSummary().Distance, $"call {call}");
        return Outcome.Exact;
    }

    private static async Task<Outcome> CancelledAsync(RouteGuideTestHost host, FeatureCatalog catalog, int call)
    {
        // Seeded by the call's number: the same calls cancel after the same points on every run.
        var route = Routes.Random(call, catalog, 300);
        var cancelAfter = new Random(call).Next(0, route.Length);
        using var cancellation = new CancellationTokenSource();
        using var grpcCall = host.Client.RecordRoute(new CallOptions(deadline: DateTime.UtcNow.AddMinutes(1), cancellationToken: cancellation.Token));
        foreach (var point in route.Take(cancelAfter))
        {
            await grpcCall.RequestStream.WriteAsync(point);
        }

        await cancellation.CancelAsync();
        var status = (await FluentActions.Awaiting(() => grpcCall.ResponseAsync).Should().ThrowAsync<RpcException>()).Which.StatusCode;
        status.Should().Be(StatusCode.Cancelled, $"call {call} was cancelled after {cancelAfter} points");
        return Outcome.Cancelled;
    }

    private enum Outcome
    {
        Exact,
        Cancelled,
    }
}
