using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.FastPath;

/// <summary>A loopback test host whose channel (from <c>RouteGuideChannel.ForAddress</c>) exposes its fast-path handler.</summary>
internal sealed class FastPathHost : IAsyncDisposable
{
    private FastPathHost(RouteGuideTestHost host, CoalescingHandler handler, ObservedRecorders recorders)
    {
        Host = host;
        Handler = handler;
        Recorders = recorders;
    }

    public RouteGuideTestHost Host { get; }

    public CoalescingHandler Handler { get; }

    public ObservedRecorders Recorders { get; }

    public static async Task<FastPathHost> StartAsync(bool blockAfterFirstPoint = false)
    {
        CoalescingHandler? handler = null;
        ObservedRecorders? recorders = null;
        var host = await RouteGuideTestHost.StartAsync(
            HostFlavour.Loopback,
            configureChannel: options => handler = (CoalescingHandler)options.HttpHandler!,
            configureServices: services => services.AddSingleton<IRouteRecorderFactory>(provider => recorders = ObservedRecorders.ForHost(provider, blockAfterFirstPoint)));
        _ = host.Service; // the service (and with it the recorder factory) is built by the host
        return new FastPathHost(host, handler!, recorders!);
    }

    public async ValueTask DisposeAsync()
    {
        Recorders.Release();
        await Host.DisposeAsync();
        Recorders.Dispose();
    }
}
