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
        return RecordCoreAsync(client, options, (writer, token) => WriteAllAsync(writer, points, token));
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
        return RecordCoreAsync(client, options, (writer, token) => WriteAllAsync(writer, points, token));
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

    private static async Task<RouteSummary> RecordCoreAsync(
        RouteGuideClient client, CallOptions options, Func<IPointWriter, CancellationToken, Task> writeAll)
    {
        var cancellationToken = options.CancellationToken;
        using var call = BulkRouteTicket.Offer(() => client.RecordRoute(options), out var ticket);

        // When the call ends while points are still being written (the server failed it, the deadline
        // passed), the point source is told to stop, and the call's outcome is reported without
        // waiting for a source that does not listen.
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writeTask = WriteAndCompleteAsync(ticket.CreateWriter(call.RequestStream, options, writing.Token), writeAll, writing.Token);
        var first = await Task.WhenAny(writeTask, call.ResponseAsync).ConfigureAwait(false);
        if (first != writeTask)
        {
            CancelQuietly(writing);
            _ = writeTask.ContinueWith(
                static task => _ = task.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return await AwaitResponseAsync(call, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // An exception of the point source's own (or the cancellation of the caller's token that it
            // observed) propagates from here unchanged: leaving this method disposes the call, which
            // cancels it on the wire.
            await writeTask.ConfigureAwait(false);
        }
        catch (RequestStreamWriteException writeError)
        {
            var cause = writeError.InnerException!;
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("RecordRoute was cancelled.", cause, cancellationToken);
            }

            // A write fails once the call has ended (the server failed it, the transport broke): the
            // call's status is the answer. A point the channel refuses to send (over its
            // MaxSendMessageSize) leaves the call open: that error is the answer, and leaving this method
            // cancels the call.
            if (cause is RpcException { StatusCode: StatusCode.ResourceExhausted } && !call.ResponseAsync.IsCompleted)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }
        }

        return await AwaitResponseAsync(call, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAndCompleteAsync(IPointWriter writer, Func<IPointWriter, CancellationToken, Task> writeAll, CancellationToken cancellationToken)
    {
        await using (writer.ConfigureAwait(false))
        {
            await writeAll(writer, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task<RouteSummary> AwaitResponseAsync(AsyncClientStreamingCall<Point, RouteSummary> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("RecordRoute was cancelled.", e, cancellationToken);
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already released: nothing left to stop.
        }
    }

    // Failures of the request stream come as RequestStreamWriteException (see IPointWriter), told apart
    // from the point source's own exceptions, which can be of the same types. The token stops the source.
    private static async Task WriteAllAsync(IPointWriter writer, IEnumerable<Point> points, CancellationToken cancellationToken)
    {
        foreach (var point in points)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(point).ConfigureAwait(false);
        }
    }

    private static async Task WriteAllAsync(IPointWriter writer, IAsyncEnumerable<Point> points, CancellationToken cancellationToken)
    {
        var source = points.GetAsyncEnumerator(cancellationToken);
        await using (source.ConfigureAwait(false))
        {
            while (true)
            {
                var next = source.MoveNextAsync();
                Exception? flushError = null;
                if (!next.IsCompleted)
                {
                    // The source has to wait: what was written so far leaves now.
                    try
                    {
                        await writer.FlushAsync().ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        flushError = e;
                    }
                }

                var more = await next.ConfigureAwait(false);
                if (flushError is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(flushError);
                }

                if (!more)
                {
                    return;
                }

                await writer.WriteAsync(source.Current).ConfigureAwait(false);
            }
        }
    }
}
