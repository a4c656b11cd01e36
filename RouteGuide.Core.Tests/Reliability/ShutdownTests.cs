using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Harness;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// The server shuts down while calls stream: every client gets a clear status, none hangs, and a
/// graceful shutdown lets calls that already half-closed get their summary.
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

    private static readonly StatusCode[] ClearEndings = [StatusCode.Unavailable, StatusCode.Cancelled];

    [Test]
    [Repeat(3)]
    public async Task An_abrupt_shutdown_gives_every_streaming_client_a_clear_status()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);
        var calls = StartStreaming(host);
        await host.Eventually(() => host.Service.ActiveCalls == StreamingCalls, "every call is streaming on the server");

        await host.StopServerAsync(TimeSpan.Zero);

        await ShouldEachEndClearly(calls);
    }

    [Category("Long")]
    [Test]
    [SuppressMessage("Reliability", "CA2000", Justification = "Disposed in finally.")]
    public async Task A_graceful_shutdown_answers_half_closed_calls_and_ends_the_streaming_ones_clearly()
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
            await host.Eventually(() => host.Service.ActiveCalls == StreamingCalls + HalfClosedCalls, "every call is on the server");

            var stopping = host.StopServerAsync(TimeSpan.FromSeconds(5));
            await host.Eventually(() => host.ServerStopping.IsCancellationRequested && RefusesNewConnections(host.Address), "the server has stopped listening");
            gate.Open();

            for (var i = 0; i < HalfClosedCalls; i++)
            {
                var summary = await halfClosed[i].ResponseAsync;
                var expected = Routes.RecordLocally(routes[i], FeatureCatalog.Default);
                summary.PointCount.Should().Be(routes[i].Length, "a call that half-closed before the shutdown gets its summary");
                summary.Distance.Should().Be(expected.SummaryDistanceMetres);
                halfClosed[i].Dispose();
            }

            await ShouldEachEndClearly(streaming);
            await stopping;
            host.Errors.Should().BeEmpty();
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

    private static async Task ShouldEachEndClearly(Task<RouteSummary>[] calls)
    {
        var statuses = new List<StatusCode>();
        foreach (var call in calls)
        {
            var error = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<RpcException>()).Which;
            statuses.Add(error.StatusCode);
        }

        TestContext.Out.WriteLine(string.Join(", ", statuses.CountBy(s => s).Select(c => $"{c.Value} x {c.Key}")));

        statuses.Should().AllSatisfy(s => s.Should().BeOneOf(ClearEndings, "a shut-down server ends the call clearly, not by the client's safety deadline"));
    }

    private static bool RefusesNewConnections(Uri address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(address.Host, address.Port);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
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
