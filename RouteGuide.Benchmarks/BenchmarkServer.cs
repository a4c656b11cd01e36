using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RouteGuide.Core.AspNetCore;

namespace RouteGuide.Benchmarks;

/// <summary>
/// <c>serve --port P [--standard-read]</c>: the RouteGuide server as a real deployment would host it, Kestrel with
/// cleartext HTTP/2 (h2c) on 127.0.0.1, no logging. Port 0 picks a free port. Once listening it prints
/// <c>LISTENING http://127.0.0.1:PORT</c> on a line of its own, and it stops when its standard input
/// closes (so it never outlives the benchmark that started it) or on Ctrl+C. A line <c>stats</c> on
/// its standard input makes it print <c>STATS allocated=BYTES cpu=TICKS</c>: the bytes the process has
/// allocated on the managed heap and the CPU time it has used, so far. It hosts through
/// <c>AddRouteGuideServer()</c>, so RecordRoute reads points in batches unless <c>--standard-read</c> is given.
/// </summary>
internal static class BenchmarkServer
{
    public const string ListeningPrefix = "LISTENING ";
    public const string StatsPrefix = "STATS ";

    /// <summary>Turns the server's batch read path off (the standard path, for A/B runs).</summary>
    public const string StandardReadOption = "--standard-read";

    public static async Task RunAsync(string[] args)
    {
        var port = 0;
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--port")
            {
                port = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (args.Contains(StandardReadOption))
        {
            // A/B: RecordRoute reads one message at a time through Grpc.AspNetCore's reader.
            builder.Services.Configure<RouteGuideServerOptions>(server => server.BatchReads = false);
        }

        builder.Services.AddRouteGuideServer();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapRouteGuide();
        await app.StartAsync().ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Console.Out.WriteLine(ListeningPrefix + address);
        Console.Out.Flush();

        // A thread of its own for the blocking reads of standard input, not one of the pool's threads that serve calls.
        var stdinClosed = Task.Factory.StartNew(() =>
        {
            while (Console.In.ReadLine() is { } command)
            {
                if (command == "stats")
                {
                    using var self = System.Diagnostics.Process.GetCurrentProcess();
                    Console.Out.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{StatsPrefix}allocated={GC.GetTotalAllocatedBytes(precise: true)} cpu={self.TotalProcessorTime.Ticks}"));
                    Console.Out.Flush();
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAny(stdinClosed, app.WaitForShutdownAsync()).ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
