using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Rpc;

/// <summary>Calls <c>RecordRoute</c> in one line: write every point, half-close, await the summary.</summary>
/// <remarks>
/// <para>
/// The call is disposed on every path.
/// </para>
/// <para>
/// When the server ends the call early (for instance <see cref="StatusCode.InvalidArgument"/> for the
/// seventh point), writing stops and the <see cref="RpcException"/> carries the server's status and
/// message, not a generic write error. When <c>cancellationToken</c> (or the one in the
/// <see cref="CallOptions"/>) is cancelled, the call is cancelled on the wire and an
/// <see cref="OperationCanceledException"/> is thrown. A passed deadline is an <see cref="RpcException"/>
/// with <see cref="StatusCode.DeadlineExceeded"/>. A RouteGuide server that shuts down ends streaming
/// calls with <see cref="StatusCode.Unavailable"/> itself; a connection that is cut off without a status
/// is reported as Grpc.Net.Client reports it (docs/rpc.md). An exception thrown by the point source cancels the call
/// and propagates unchanged, whatever its type. A point that the channel refuses to send (larger than its
/// <c>MaxSendMessageSize</c>) fails with that write's <see cref="RpcException"/> and cancels the call.
/// </para>
/// </remarks>
public static class RouteGuideClientExtensions
{
    /// <summary>Streams the points of a route and returns the server's summary.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="points">The route, in order. Enumerated once, lazily.</param>
    /// <param name="options">Headers, deadline, cancellation and other call options.</param>
    /// <returns>The server's summary of the route.</returns>
    public static Task<RouteSummary> RecordRouteAsync(this RouteGuideClient client, IEnumerable<Point> points, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(points);
        return RecordCoreAsync(client, options, (writer, token) => RouteUpload.WriteAllAsync(writer, points, token));
    }

    /// <summary>Streams the points of a route and returns the server's summary.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="points">The route, in order. Enumerated once, lazily.</param>
    /// <param name="deadline">When the call must be over, in UTC; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The server's summary of the route.</returns>
    public static Task<RouteSummary> RecordRouteAsync(
        this RouteGuideClient client, IEnumerable<Point> points, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        client.RecordRouteAsync(points, new CallOptions(deadline: deadline, cancellationToken: cancellationToken));

    /// <summary>Streams the points of a route as they arrive and returns the server's summary.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="points">The route, in order. Enumerated once, with the call's cancellation token.</param>
    /// <param name="options">Headers, deadline, cancellation and other call options.</param>
    /// <returns>The server's summary of the route.</returns>
    public static Task<RouteSummary> RecordRouteAsync(this RouteGuideClient client, IAsyncEnumerable<Point> points, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(points);
        return RecordCoreAsync(client, options, (writer, token) => RouteUpload.WriteAllAsync(writer, points, token));
    }

    /// <summary>Streams the points of a route as they arrive and returns the server's summary.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="points">The route, in order. Enumerated once, with <paramref name="cancellationToken"/>.</param>
    /// <param name="deadline">When the call must be over, in UTC; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The server's summary of the route.</returns>
    public static Task<RouteSummary> RecordRouteAsync(
        this RouteGuideClient client, IAsyncEnumerable<Point> points, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        client.RecordRouteAsync(points, new CallOptions(deadline: deadline, cancellationToken: cancellationToken));

    // Write all, half-close, await the summary. RouteUpload stops writing as soon as the call ends (the
    // server's status is then the answer) and lets the source's own exceptions through unchanged;
    // leaving this method disposes the call, which cancels it on the wire if it is still open.
    private static async Task<RouteSummary> RecordCoreAsync(
        RouteGuideClient client, CallOptions options, Func<IPointWriter, CancellationToken, Task> writeAll)
    {
        var cancellationToken = options.CancellationToken;
        using var call = BulkRouteTicket.Offer(() => client.RecordRoute(options), out var ticket);
        await RouteUpload.WriteAsync(call, token => ticket.CreateWriter(call.RequestStream, options, token), writeAll, cancellationToken).ConfigureAwait(false);
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("RecordRoute was cancelled.", e, cancellationToken);
        }
    }
}
