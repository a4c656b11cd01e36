using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace RouteGuide.Core.Tests;

/// <summary>What the suite's load tests measure on a <see cref="RouteGuideTestHost"/>: its meters and its memory.</summary>
internal static class HostMeasurements
{
    /// <summary>The server's meter factory: its <c>RouteGuide.Core</c> meter is this host's alone.</summary>
    public static IMeterFactory MeterFactory(this RouteGuideTestHost host) => host.Services.GetRequiredService<IMeterFactory>();

    /// <summary>
    /// The managed heap after full collections (client and server share the process). The host's log
    /// collector keeps every server log record (thousands in a load test), which is the harness's memory,
    /// not the server's: it is emptied first, so read what a test needs from the logs before calling this.
    /// </summary>
    public static long SettledMemory(this RouteGuideTestHost host)
    {
        host.Logs.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
