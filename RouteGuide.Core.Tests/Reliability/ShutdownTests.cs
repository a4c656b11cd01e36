using System.Diagnostics.CodeAnalysis;
using RouteGuide.Core.Tests.Interop;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// The server shuts down while calls stream: the call policy ends every call still streaming with
/// <c>Unavailable</c> and proper trailers before the host's grace period ends, calls that already
/// half-closed get their summaries, and the log says the server ended them.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class ShutdownTests(WirePath path)
{
    private const int StreamingCalls = 20;
    private const int HalfClosedCalls = 3;

    // Each call's safety net: a call still open this long after the shutdown is a hang, reported as
    // DeadlineExceeded, which the assertions reject.
    private static readonly TimeSpan SafetyDeadline = TimeSpan.FromSeconds(60);

    // The host's grace period: long enough that the policy, not the host's abort, ends every call.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private const string EndedByShutdown = "RecordRoute ended by the server: it is shutting down (Unavailable).";

    [Test]
    [Repeat(3)]
    public async Task Every_streaming_call_ends_with_Unavailable_when_the_server_stops()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);
        var calls = StartStreaming(host);
        await host.Eventually(() => host.ActiveCalls == StreamingCalls, "every call is streaming on the server");

        await host.StopServerAsync(Grace);

        await ShouldEachEndWithUnavailable(calls);
        ShouldHaveLoggedTheShutdown(host, StreamingCalls);
    }

    [Test]
    public async Task Every_streaming_Node_client_gets_Unavailable_when_the_server_stops()
    {
        var nodePeer = InteropPeer.All["Node"];
        await nodePeer.EnsureReadyAsync();
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        var node = nodePeer.RunClientAsync("streaming", host.Address.Authority, StreamingCalls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await host.Eventually(() => host.ActiveCalls == StreamingCalls || node.IsCompleted, "every Node call is streaming on the server");

        await host.StopServerAsync(Grace);

        var endings = (await node).EnumerateArray().Select(e => (Code: e.GetProperty("code").GetInt32(), Details: e.GetProperty("details").GetString())).ToList();
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, endings));
        endings.Should().HaveCount(StreamingCalls).And.AllSatisfy(e => e.Code.Should().Be((int)StatusCode.Unavailable, e.Details));
        ShouldHaveLoggedTheShutdown(host, StreamingCalls);
    }

    [Test]
    [SuppressMessage("Reliability", "CA2000", Justification = "Disposed in finally.")]
    public async Task A_shutdown_answers_half_closed_calls_exactly_and_ends_the_streaming_ones_with_Unavailable()
    {
        ThreadPool.GetMinThreads(out var workers, out var ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), ports); // The gate blocks server threads.
        using var gate = new GatedCatalog(FeatureCatalog.Default);
        try
        {
            await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, gate, wirePath: path);
            var streaming = StartStreaming(host);
            var routes = Enumerable.Range(0, HalfClosedCalls).Select(i => Routes.Random(500 + i, FeatureCatalog.Default, 100).Append(GatedCatalog.GatePoint).ToArray()).ToArray();
            var halfClosed = new List<AsyncClientStreamingCall<Point, RouteSummary>>();
            foreach (var route in routes)
            {
                var call = host.Client.RecordRoute(new CallOptions(deadline: DateTime.UtcNow.Add(SafetyDeadline)));
                halfClosed.Add(call);
                foreach (var point in route)
                {
                    await call.RequestStream.WriteAsync(point);
                }

                await call.RequestStream.CompleteAsync();
            }

            await host.Eventually(() => gate.Waiting == HalfClosedCalls, "every half-closed call is held at the gate on the server");
            await host.Eventually(() => host.ActiveCalls == StreamingCalls + HalfClosedCalls, "every call is on the server");

            var stopping = host.StopServerAsync(Grace);
            await ShouldEachEndWithUnavailable(streaming);
            gate.Open();

            for (var i = 0; i < HalfClosedCalls; i++)
            {
                var summary = await halfClosed[i].ResponseAsync;
                var expected = Routes.RecordLocally(routes[i], FeatureCatalog.Default);
                summary.PointCount.Should().Be(routes[i].Length, "a call that half-closed before the shutdown gets its summary");
                summary.FeatureCount.Should().Be((int)expected.FeatureCount);
                summary.Distance.Should().Be(expected.ToSummary().Distance);
                halfClosed[i].Dispose();
            }

            await stopping;
            ShouldHaveLoggedTheShutdown(host, StreamingCalls);
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, ports);
        }
    }

    /// <summary>Starts calls that stream points until the call ends (bounded in count and by the safety deadline).</summary>
    private static Task<RouteSummary>[] StartStreaming(RouteGuideTestHost host) =>
        Enumerable.Range(0, StreamingCalls)
            .Select(i => Task.Run(() => host.Client.RecordRouteAsync(Paced(10_000_000), deadline: DateTime.UtcNow.Add(SafetyDeadline))))
            .ToArray();

    private static async Task ShouldEachEndWithUnavailable(Task<RouteSummary>[] calls)
    {
        foreach (var call in calls)
        {
            var error = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<RpcException>()).Which;
            // The status is the server's; a client still sending when the server closes its connection
            // may lose the trailers to the TCP reset and report Unavailable from the transport instead.
            error.StatusCode.Should().Be(StatusCode.Unavailable, error.Status.ToString());
        }
    }

    private static void ShouldHaveLoggedTheShutdown(RouteGuideTestHost host, int calls)
    {
        var logs = host.Logs.GetSnapshot();
        logs.Count(r => r.Message == EndedByShutdown).Should().Be(calls, "the log says the server ended each streaming call");
        logs.Should().NotContain(r => r.Message.Contains("ended early by the client", StringComparison.Ordinal), "no client cancelled");
        host.Errors.Should().BeEmpty();
    }

    /// <summary>Points, yielding to other work every 100 so that 20 streams share two cores politely.</summary>
    private static async IAsyncEnumerable<Point> Paced(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 100 == 99)
            {
                await Task.Yield();
            }

            yield return new Point { Latitude = i % 1000, Longitude = i % 2000 };
        }
    }

    /// <summary>A catalog whose lookup of <see cref="GatePoint"/> blocks until <see cref="Open"/>: holds calls on the server.</summary>
    private sealed class GatedCatalog(FeatureCatalog inner) : IFeatureLookup, IDisposable
    {
        public static readonly Point GatePoint = new() { Latitude = 424_242_424, Longitude = 424_242_424 };

        private readonly ManualResetEventSlim _open = new();
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Open() => _open.Set();

        public bool TryGetFeature(GeoPoint location, [MaybeNullWhen(false)] out CatalogFeature feature)
        {
            if (location.Latitude == GatePoint.Latitude && location.Longitude == GatePoint.Longitude)
            {
                Interlocked.Increment(ref _waiting);
                _open.Wait(SafetyDeadline);
            }

            return inner.TryGetFeature(location, out feature);
        }

        public IEnumerable<CatalogFeature> GetFeaturesWithin(GeoPoint corner, GeoPoint oppositeCorner) => inner.GetFeaturesWithin(corner, oppositeCorner);

        public void Dispose() => _open.Dispose();
    }
}
