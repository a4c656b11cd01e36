using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.AspNetCore.Internal;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests;

/// <summary>
/// The suite's shorthand for starting a <see cref="RouteGuideTestHost"/>: each knob of
/// <see cref="RouteGuideTestHostOptions"/> as an optional parameter, so that a test names only the
/// ones it sets (<c>StartAsync(flavour, catalog, serviceOptions: ...)</c>), plus the suite's
/// <see cref="WirePath"/> switch (when not given: the packaged harness as it is, whose call log
/// wraps the request stream, so the server reads one message at a time and the client writes in bulk). The package keeps the options type instead of this long parameter list,
/// and has no wire-path switch: the paths are internal to RouteGuide.Core, so the suite turns them off
/// through the options' <see cref="RouteGuideTestHostOptions.ConfigureServices"/> and
/// <see cref="RouteGuideTestHostOptions.ConfigureChannel"/> hooks.
/// </summary>
internal static class RouteGuideTestHostStart
{
    extension(RouteGuideTestHost)
    {
        /// <summary>Starts a host with the given knobs; see <see cref="RouteGuideTestHostOptions"/> for each.</summary>
        public static Task<RouteGuideTestHost> StartAsync(
            HostFlavour flavour,
            IFeatureLookup? catalog = null,
            RouteRecorderOptions? recorderOptions = null,
            RouteGuideServiceOptions? serviceOptions = null,
            Action<GrpcServiceOptions>? configureGrpc = null,
            Action<GrpcChannelOptions>? configureChannel = null,
            Action<IServiceCollection>? configureServices = null,
            WirePath? wirePath = null) =>
            RouteGuideTestHost.StartAsync(new RouteGuideTestHostOptions
            {
                Flavour = flavour,
                Catalog = catalog,
                RecorderOptions = recorderOptions,
                ServiceOptions = serviceOptions,
                ConfigureGrpc = configureGrpc,
                ConfigureChannel = options => ApplyWirePath(options, wirePath ?? WirePath.Fast, configureChannel),
                ConfigureServices = services =>
                {
                    configureServices?.Invoke(services);
                    if (wirePath == WirePath.Standard)
                    {
                        services.Configure<RouteGuideServerOptions>(server => server.BatchReads = false);
                    }
                    else if (wirePath == WirePath.Fast)
                    {
                        // The package's call log wraps every request stream to count messages, and the batch read
                        // path steps aside for any interceptor that wraps the stream; a test that asks for the fast
                        // path explicitly gets the server's batch reads, without Calls.
                        services.PostConfigure<GrpcServiceOptions>(grpc =>
                        {
                            foreach (var own in grpc.Interceptors.Where(i => i.Type.Assembly == typeof(RouteGuideTestHost).Assembly).ToList())
                            {
                                grpc.Interceptors.Remove(own);
                            }
                        });
                    }
                },
            });

        /// <summary>A channel (from <c>RouteGuideChannel.ForAddress</c>) to any server, with RecordRoute's bulk writes on or off as <paramref name="wirePath"/> says.</summary>
        public static GrpcChannel CreateChannel(Uri address, WirePath wirePath, Action<GrpcChannelOptions>? configureChannel = null) =>
            RouteGuideChannel.ForAddress(address, options => ApplyWirePath(options, wirePath, configureChannel));
    }

    extension(RouteGuideTestHost host)
    {
        /// <summary>Which way RecordRoute's points travel on this host: read from its server's registrations.</summary>
        public WirePath WirePath =>
            host.Services.GetService<IOptions<RouteGuideServerOptions>>() is { Value.BatchReads: false } ? WirePath.Standard : WirePath.Fast;

        /// <summary>
        /// How many RecordRoute calls this host's server has read with its batch reader so far: what proves that
        /// a test on <see cref="WirePath.Fast"/> ran the batch path rather than the standard fallback (always 0 on
        /// <see cref="WirePath.Standard"/>).
        /// </summary>
        public long BatchedCalls =>
            host.Service.BatchReaders is RequestBodyPointReaderFactory factory ? factory.BatchedCalls : 0;

        /// <summary>Another channel to this (loopback) server, on the host's <see cref="WirePath"/>; dispose it when done.</summary>
        public GrpcChannel CreateChannel() => RouteGuideTestHost.CreateChannel(host.Address, host.WirePath);
    }

    private static void ApplyWirePath(GrpcChannelOptions options, WirePath wirePath, Action<GrpcChannelOptions>? configureChannel)
    {
        configureChannel?.Invoke(options);
        if (wirePath == WirePath.Standard && options.HttpHandler is CoalescingHandler fastPath)
        {
            fastPath.RefuseBulkWrites();
        }
    }
}
