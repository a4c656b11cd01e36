using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>profile [points] [stockPoints] [bufferKiB]</c>: where the time and allocations of a point go, by stopwatch,
/// CPU time and allocation counters (not BenchmarkDotNet). First whole calls against two child servers
/// (batch read path on, and off), with the new paths, the standard paths and the stock client, and both
/// processes' CPU time and managed allocations per point; then the server's own pieces in this process:
/// protobuf parsing of a Point, <see cref="RouteGuideService.RecordRoute"/> on the batch read path and
/// over already-parsed points, and <see cref="RouteRecorder.Record"/> alone.
/// </summary>
internal static class ProfileMeasurement
{
    public static async Task<int> RunAsync(string[] args)
    {
        var fastPoints = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        var stockPoints = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var bufferKiB = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : CoalescingOptions.Default.BufferSize / 1024;
        var points = RoutePoints.Create(Math.Max(fastPoints, stockPoints));

        // Two servers, the same program: one with the batch read path (the default), one without.
        using (var batchServer = ServerProcess.Start())
        using (var standardServer = ServerProcess.Start(standardRead: true))
        {
            CoalescingHandler handler = null!;
            // The handler of RouteGuideChannel.ForAddress, with its buffer size as given.
            using var newPaths = RouteGuideChannel.ForAddress(batchServer.Address, options =>
            {
                var standard = (CoalescingHandler)options.HttpHandler!;
                options.HttpHandler = handler = new CoalescingHandler(standard.InnerHandler!, CoalescingOptions.Default with { BufferSize = bufferKiB * 1024 });
                handler.AllowBulkWrites(options.MaxSendMessageSize);
            });
            using var standardPaths = RouteGuideChannel.ForAddress(standardServer.Address, options => ((CoalescingHandler)options.HttpHandler!).RefuseBulkWrites());
            using var stockToBatch = GrpcChannel.ForAddress(batchServer.Address);
            using var stockToStandard = GrpcChannel.ForAddress(standardServer.Address);
            for (var round = 0; round < 3; round++)
            {
                // Rounds 0 and 1 warm up both processes (JIT tiers, pools, connections); round 2 is reported.
                var report = round == 2;
                var many = round == 0 ? 50_000 : fastPoints;
                var few = round == 0 ? 20_000 : stockPoints;
                await MeasureCallAsync(batchServer, "new paths (bulk write, batch read)", newPaths.CreateRouteGuideClient(), points, many, report).ConfigureAwait(false);
                await MeasureCallAsync(standardServer, "standard paths (coalescing writes, per-message read)", standardPaths.CreateRouteGuideClient(), points, many, report).ConfigureAwait(false);
                await MeasureConcurrentAsync(batchServer, newPaths.CreateRouteGuideClient(), points, many / 8, report).ConfigureAwait(false);
                await MeasureCallAsync(batchServer, "stock client, batch read", stockToBatch.CreateRouteGuideClient(), points, few, report).ConfigureAwait(false);
                await MeasureCallAsync(standardServer, "stock client, per-message read", stockToStandard.CreateRouteGuideClient(), points, few, report).ConfigureAwait(false);
                if (report)
                {
                    var c = handler.Counters;
                    Console.WriteLine($"  new-paths handler: {c.BulkCalls} bulk calls, {c.Sends} sends, {c.SentBytes} bytes, {c.DeferredFlushes} deferred flushes, peak buffer {c.PeakBufferedBytes} B");
                }
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
                $"new paths, 8 concurrent calls: {count:N0} points in {clock.Elapsed.TotalSeconds:F3} s = {count / clock.Elapsed.TotalSeconds:N0} points/s; " +
                $"client {clientCpu.TotalNanoseconds / count:F0} ns CPU per point; server {(serverCpu1 - serverCpu0).TotalNanoseconds / count:F0} ns CPU and {(double)(serverAllocated1 - serverAllocated0) / count:F1} B allocated per point"));
        }
    }

    private static void MeasureServerPieces(Point[] points)
    {
        var wire = points.Select(p => p.ToByteArray()).ToArray();
        var factory = new RouteRecorderFactory(FeatureCatalog.Default);
        var service = new RouteGuideService(FeatureCatalog.Default, factory);
        var batch = new RouteGuideService(FeatureCatalog.Default, factory) { BatchReaders = InProcessCall.BatchReadersOver(InProcessCall.FramedBody(points)) };
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

            Measure("RouteGuideService.RecordRoute, batch read path over the framed body (decode and record)", points.Length, report, () =>
                batch.RecordRoute(new InProcessCall.ArrayReader([]), new InProcessCall.NullCallContext()).GetAwaiter().GetResult().PointCount);

            Measure("RouteGuideService.RecordRoute over parsed points (our per-point code on the standard path)", points.Length, report, () =>
                service.RecordRoute(new InProcessCall.ArrayReader(points), new InProcessCall.NullCallContext()).GetAwaiter().GetResult().PointCount);

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
}
