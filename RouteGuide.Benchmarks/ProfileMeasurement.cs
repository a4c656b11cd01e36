using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>profile</c>: where the time and allocations of a point go, by stopwatch, CPU time and allocation
/// counters (not BenchmarkDotNet). First whole calls against a child server, fast path and stock, with
/// both processes' CPU time and managed allocations per point; then the server's own pieces in this
/// process: protobuf parsing of a Point, <see cref="RouteGuideService.RecordRoute"/> over already-parsed
/// points, and <see cref="RouteRecorder.Record"/> alone.
/// </summary>
internal static class ProfileMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var fastPoints = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        var stockPoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var bufferKiB = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : RouteGuide.Core.Rpc.Internal.CoalescingOptions.Default.BufferSize / 1024;
        var points = RoutePoints.Create(Math.Max(fastPoints, stockPoints));

        using (var server = ServerProcess.Start())
        {
            // The channel of RouteGuideChannel.ForAddress, with the fast-path handler's buffer size as given.
            RouteGuide.Core.Rpc.Internal.CoalescingHandler handler = null!;
            using var fast = RouteGuideChannel.ForAddress(server.Address, options =>
            {
                var standard = (RouteGuide.Core.Rpc.Internal.CoalescingHandler)options.HttpHandler!;
                options.HttpHandler = handler = new RouteGuide.Core.Rpc.Internal.CoalescingHandler(
                    standard.InnerHandler!, RouteGuide.Core.Rpc.Internal.CoalescingOptions.Default with { BufferSize = bufferKiB * 1024 });
            });
            using var stock = GrpcChannel.ForAddress(server.Address);
            for (var round = 0; round < 3; round++)
            {
                // Rounds 0 and 1 warm up both processes (JIT tiers, pools, connections); round 2 is reported.
                await MeasureCallAsync(server, "fast ", fast.CreateRouteGuideClient(), points, round == 0 ? 50_000 : fastPoints, report: round == 2).ConfigureAwait(false);
                await MeasureConcurrentAsync(server, fast.CreateRouteGuideClient(), points, round == 0 ? 10_000 : fastPoints / 8, report: round == 2).ConfigureAwait(false);
                var c = handler.Counters;
                if (round == 2)
                {
                    Console.WriteLine($"  fast path handler so far: {c.Sends} sends, {c.SentBytes} bytes, {c.DeferredFlushes} deferred flushes, {c.ContendedEnters} contended lock enters, peak buffer {c.PeakBufferedBytes} B");
                }

                await MeasureCallAsync(server, "stock", stock.CreateRouteGuideClient(), points, round == 0 ? 20_000 : stockPoints, report: round == 2).ConfigureAwait(false);
            }
        }

        MeasureServerPieces(points.AsSpan(0, Math.Min(points.Length, 1_000_000)).ToArray());
        return 0;
    }

    private static async Task MeasureCallAsync(ServerProcess server, string name, RouteGuideClient client, Point[] all, int count, bool report)
    {
        var route = new ArraySegment<Point>(all, 0, count);
        using var self = Process.GetCurrentProcess();
        var (serverAllocated0, serverCpu0) = await server.StatsAsync().ConfigureAwait(false);
        self.Refresh();
        var clientCpu0 = self.TotalProcessorTime;
        var clientAllocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var summary = await client.RecordRouteAsync(route).ConfigureAwait(false);

        clock.Stop();
        var clientAllocated = GC.GetTotalAllocatedBytes(precise: true) - clientAllocated0;
        self.Refresh();
        var clientCpu = self.TotalProcessorTime - clientCpu0;
        var (serverAllocated1, serverCpu1) = await server.StatsAsync().ConfigureAwait(false);
        RoutePoints.CheckCount(summary, count, name);
        if (report)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {count:N0} points in {clock.Elapsed.TotalSeconds:F3} s = {count / clock.Elapsed.TotalSeconds:N0} points/s; " +
                $"client {clientCpu.TotalNanoseconds / count:F0} ns CPU and {(double)clientAllocated / count:F1} B allocated per point; " +
                $"server {(serverCpu1 - serverCpu0).TotalNanoseconds / count:F0} ns CPU and {(double)(serverAllocated1 - serverAllocated0) / count:F1} B allocated per point"));
        }
    }

    private static async Task MeasureConcurrentAsync(ServerProcess server, RouteGuideClient client, Point[] all, int perCall, bool report)
    {
        using var self = Process.GetCurrentProcess();
        var (serverAllocated0, serverCpu0) = await server.StatsAsync().ConfigureAwait(false);
        self.Refresh();
        var clientCpu0 = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var summaries = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => client.RecordRouteAsync(new ArraySegment<Point>(all, i * perCall % (all.Length - perCall + 1), perCall)))).ConfigureAwait(false);
        clock.Stop();
        self.Refresh();
        var clientCpu = self.TotalProcessorTime - clientCpu0;
        var (serverAllocated1, serverCpu1) = await server.StatsAsync().ConfigureAwait(false);
        foreach (var summary in summaries)
        {
            RoutePoints.CheckCount(summary, perCall, "concurrent");
        }

        var count = 8L * perCall;
        if (report)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fast, 8 concurrent calls: {count:N0} points in {clock.Elapsed.TotalSeconds:F3} s = {count / clock.Elapsed.TotalSeconds:N0} points/s; " +
                $"client {clientCpu.TotalNanoseconds / count:F0} ns CPU per point; server {(serverCpu1 - serverCpu0).TotalNanoseconds / count:F0} ns CPU and {(double)(serverAllocated1 - serverAllocated0) / count:F1} B allocated per point"));
        }
    }

    private static void MeasureServerPieces(Point[] points)
    {
        var wire = points.Select(p => p.ToByteArray()).ToArray();
        var factory = new RouteRecorderFactory(FeatureCatalog.Default);
        var service = new RouteGuideService(FeatureCatalog.Default, factory);
        for (var round = 0; round < 3; round++)
        {
            var report = round == 2;

            Measure("Point.Parser.ParseFrom (protobuf)", wire.Length, report, () =>
            {
                var sum = 0L;
                foreach (var bytes in wire)
                {
                    sum += Point.Parser.ParseFrom(bytes).Latitude;
                }

                return sum;
            });

            Measure("RouteGuideService.RecordRoute over parsed points (our per-point code)", points.Length, report, () =>
                service.RecordRoute(new ArrayReader(points), new NullCallContext()).GetAwaiter().GetResult().PointCount);

            Measure("RouteRecorder.Record alone", points.Length, report, () =>
            {
                var recorder = factory.StartRoute();
                foreach (var point in points)
                {
                    recorder.Record(point.Latitude, point.Longitude);
                }

                return recorder.PointCount;
            });
        }
    }

    private static void Measure(string what, int count, bool report, Func<long> work)
    {
        var allocated0 = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = work();
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocated0;
        if (report)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {clock.Elapsed.TotalNanoseconds / count:F1} ns and {(double)allocated / count:F2} B allocated per point ({allocated} B in all; result {result})"));
        }
    }

    /// <summary>A request stream over points that are already parsed: every MoveNext completes at once.</summary>
    private sealed class ArrayReader(Point[] points) : IAsyncStreamReader<Point>
    {
        private static readonly Task<bool> True = Task.FromResult(true);
        private static readonly Task<bool> False = Task.FromResult(false);
        private int _next;

        public Point Current { get; private set; } = null!;

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (_next == points.Length)
            {
                return False;
            }

            Current = points[_next++];
            return True;
        }
    }

    private sealed class NullCallContext : ServerCallContext
    {
        protected override string MethodCore => "/routeguide.RouteGuide/RecordRoute";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
