using System.Net;
using Grpc.Net.Client;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Rpc;

/// <summary>Creates channels and clients for talking to a RouteGuide server.</summary>
/// <remarks>
/// The generated client class is nested in a class named <c>RouteGuide</c>, which C# resolves to this
/// library's <c>RouteGuide</c> namespace at most call sites; <see cref="CreateRouteGuideClient"/> saves you from
/// spelling it.
/// </remarks>
public static class RouteGuideChannel
{
    /// <summary>
    /// Creates a channel to <paramref name="address"/> with HTTP/2 settings suited to long streams:
    /// several HTTP/2 connections when one's stream limit is reached, keep-alive pings every 60 seconds
    /// while calls are active, and no proxy.
    /// </summary>
    /// <param name="address">The server, e.g. <c>http://127.0.0.1:50051</c> (h2c) or <c>https://host:443</c>.</param>
    /// <param name="configure">Adjusts the options before the channel is created.</param>
    /// <returns>The channel; dispose it when done.</returns>
    public static GrpcChannel ForAddress(Uri address, Action<GrpcChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var options = new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
            },
            DisposeHttpClient = true,
        };
        configure?.Invoke(options);
        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary>Creates a channel to <paramref name="address"/>; see <see cref="ForAddress(Uri, Action{GrpcChannelOptions}?)"/>.</summary>
    /// <param name="address">The server, e.g. <c>http://127.0.0.1:50051</c>.</param>
    /// <param name="configure">Adjusts the options before the channel is created.</param>
    /// <returns>The channel; dispose it when done.</returns>
    public static GrpcChannel ForAddress(string address, Action<GrpcChannelOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return ForAddress(new Uri(address, UriKind.Absolute), configure);
    }

    /// <summary>Creates the generated RouteGuide client over a channel.</summary>
    /// <param name="channel">The channel, e.g. from <see cref="ForAddress(string, Action{GrpcChannelOptions}?)"/>.</param>
    /// <returns>The client.</returns>
    public static RouteGuideClient CreateRouteGuideClient(this Grpc.Core.ChannelBase channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new RouteGuideClient(channel);
    }
}
