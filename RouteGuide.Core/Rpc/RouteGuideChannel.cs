using System.Net;
using Grpc.Net.Client;
using RouteGuide.Core.Rpc.Internal;
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
    /// while calls are active, no proxy, and the RecordRoute fast path (see <see cref="WithRecordRouteFastPath"/>).
    /// </summary>
    /// <remarks>
    /// On these channels <see cref="RouteGuideClientExtensions.RecordRouteAsync(RouteGuideClient, IEnumerable{Protocol.Point}, Grpc.Core.CallOptions)"/>
    /// also frames points in bulk into the call's request body (same bytes, far less work per point),
    /// keeping the channel's <see cref="GrpcChannelOptions.MaxSendMessageSize"/>; see docs/fast-path.md for
    /// when it steps aside. If <paramref name="configure"/> replaces <see cref="GrpcChannelOptions.HttpHandler"/>,
    /// the fast path goes with it; wrap your handler in <see cref="WithRecordRouteFastPath"/> to keep
    /// the coalescing (bulk writes need the handler this method creates).
    /// </remarks>
    /// <param name="address">The server, e.g. <c>http://127.0.0.1:50051</c> (h2c) or <c>https://host:443</c>.</param>
    /// <param name="configure">Adjusts the options before the channel is created.</param>
    /// <returns>The channel; dispose it when done.</returns>
    public static GrpcChannel ForAddress(Uri address, Action<GrpcChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var fastPath = new CoalescingHandler(CreateHttpHandler());
        var options = new GrpcChannelOptions { HttpHandler = fastPath, DisposeHttpClient = true };
        configure?.Invoke(options);
        if (ReferenceEquals(options.HttpHandler, fastPath))
        {
            // This handler's channel and its send limit are known here, so RecordRouteAsync may write in bulk.
            fastPath.AllowBulkWrites(options.MaxSendMessageSize);
        }

        return GrpcChannel.ForAddress(address, options);
    }

    /// <summary>
    /// The HTTP handler under the channels of <see cref="ForAddress(Uri, Action{GrpcChannelOptions}?)"/>, for a
    /// caller that must set more on it (the routeguide tool sets its TLS options).
    /// </summary>
    internal static SocketsHttpHandler CreateHttpHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    /// <summary>Creates a channel to <paramref name="address"/>; see <see cref="ForAddress(Uri, Action{GrpcChannelOptions}?)"/>.</summary>
    /// <param name="address">The server, e.g. <c>http://127.0.0.1:50051</c>.</param>
    /// <param name="configure">Adjusts the options before the channel is created.</param>
    /// <returns>The channel; dispose it when done.</returns>
    public static GrpcChannel ForAddress(string address, Action<GrpcChannelOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return ForAddress(new Uri(address, UriKind.Absolute), configure);
    }

    /// <summary>
    /// Wraps an HTTP handler so that the <c>RecordRoute</c> calls of a channel built on it stream at wire
    /// speed: the small messages of a route are gathered into full HTTP/2 DATA frames (a fixed 32 KiB
    /// buffer per call) instead of being flushed one by one, as Grpc.Net.Client otherwise does.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Channels from <see cref="ForAddress(Uri, Action{GrpcChannelOptions}?)"/> already have it. For a
    /// channel of your own: <c>GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler =
    /// RouteGuideChannel.WithRecordRouteFastPath(new SocketsHttpHandler()) })</c>. Without it,
    /// <c>RecordRoute</c> works the same, only slower.
    /// </para>
    /// <para>
    /// The bytes on the wire are unchanged. A message the writer flushes is sent within about a
    /// millisecond even if no other message follows, and at once when the request stream completes.
    /// Flow control is kept: when the server's window is full, writes wait, so a call never buffers more
    /// than its 32 KiB. Deadlines, cancellation, statuses, trailers and interceptors behave as with the
    /// plain handler. Only <c>RecordRoute</c> requests are buffered; every other call passes through
    /// unchanged, so RouteChat notes still leave one by one.
    /// </para>
    /// </remarks>
    /// <param name="innerHandler">The handler that sends the requests, usually a <see cref="SocketsHttpHandler"/>.</param>
    /// <returns>A handler to pass as <see cref="GrpcChannelOptions.HttpHandler"/>; disposing it disposes <paramref name="innerHandler"/>.</returns>
    public static HttpMessageHandler WithRecordRouteFastPath(HttpMessageHandler innerHandler)
    {
        ArgumentNullException.ThrowIfNull(innerHandler);
        return new CoalescingHandler(innerHandler);
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
