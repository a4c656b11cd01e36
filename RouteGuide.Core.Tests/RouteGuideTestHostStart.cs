using Grpc.AspNetCore.Server;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests;

/// <summary>
/// The suite's shorthand for starting a <see cref="RouteGuideTestHost"/>: each knob of
/// <see cref="RouteGuideTestHostOptions"/> as an optional parameter, so that a test names only the
/// ones it sets (<c>StartAsync(flavour, catalog, serviceOptions: ...)</c>). The package keeps the
/// options type instead of this long parameter list.
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
            Action<IServiceCollection>? configureServices = null) =>
            RouteGuideTestHost.StartAsync(new RouteGuideTestHostOptions
            {
                Flavour = flavour,
                Catalog = catalog,
                RecorderOptions = recorderOptions,
                ServiceOptions = serviceOptions,
                ConfigureGrpc = configureGrpc,
                ConfigureChannel = configureChannel,
                ConfigureServices = configureServices,
            });
    }
}
