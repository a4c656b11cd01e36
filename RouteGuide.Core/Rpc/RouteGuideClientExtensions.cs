using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;
using RouteGuideClient = RouteGuide.Core.Protocol.RouteGuide.RouteGuideClient;

namespace RouteGuide.Core.Rpc;

/// <summary>
/// Calls <c>RecordRoute</c> in one line: write every point, half-close, await the summary. The
/// call is disposed on every path.
/// </summary>
/// <remarks>
/// <para>
/// When the server ends the call early (for instance <see cref="StatusCode.InvalidArgument"/> for the
/// seventh point), writing stops and the <see cref="RpcException"/> carries the server's status and
/// message, not a generic write error. When <c>cancellationToken</c> (or the one in the
/// <see cref="CallOptions"/>) is cancelled, the call is cancelled on the wire and an
/// <see cref="OperationCanceledException"/> is thrown. A passed deadline is an <see cref="RpcException"/>
/// with <see cref="StatusCode.DeadlineExceeded"/>. A call cut off because the server closed the connection
/// in an orderly way (it is shutting down), or reset the stream with HTTP/2 <c>NO_ERROR</c> and no status,
/// is an <see cref="RpcException"/> with <see cref="StatusCode.Unavailable"/>, where Grpc.Net.Client alone
/// reports <see cref="StatusCode.Internal"/>. An exception thrown by the point source cancels the call
/// and propagates unchanged, whatever its type. A point that the channel refuses to send (larger than its
/// <c>MaxSendMessageSize</c>) fails with that write's <see cref="RpcException"/> and cancels the call.
/// </para>
/// </remarks>
public static class RouteGuideClientExtensions
{
    /// <summary>How long a write that failed with the transport waits for the call's status.</summary>
    private static readonly TimeSpan WriteFailureGrace = TimeSpan.FromSeconds(5);

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

            // A write fails when the call has already ended: if the server ended it, its status is the
            // real answer, so surface that rather than the write error. A message the channel refuses
            // to send (over its MaxSendMessageSize) leaves the call open: that error is the answer at
            // once, and leaving this method cancels the call. Anything else (the transport broke)
            // waits, a little and cancellably, for the call's status to arrive.
            if (!call.ResponseAsync.IsCompleted && cause is not RpcException { StatusCode: StatusCode.ResourceExhausted })
            {
                try
                {
                    await call.ResponseAsync.WaitAsync(WriteFailureGrace, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("RecordRoute was cancelled.", cause, cancellationToken);
                }
                catch (Exception e) when (e is TimeoutException or RpcException)
                {
                    // No status in time (the write's error is all there is), or an error status: below.
                }
            }

            if (call.ResponseAsync.IsCompleted)
            {
                await AwaitResponseAsync(call, cancellationToken).ConfigureAwait(false);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
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
        catch (RpcException e) when (e.StatusCode == StatusCode.Internal && ClosedByServer(e.Status.DebugException))
        {
            // Grpc.Net.Client reports a stream cut off by the server's orderly close of the connection
            // (HTTP/2 GOAWAY with NO_ERROR, as a server that shuts down sends it) as a protocol error,
            // Internal. The server went away: that is Unavailable, as other gRPC clients report it, and
            // a call that may be retried elsewhere. Grpc.Net.Client reports a stream reset with NO_ERROR
            // and no status the same way, so that is Unavailable here too (the gRPC mapping of HTTP/2
            // codes would say Internal): either way the server stopped the call without an error.
            throw new RpcException(
                new Status(StatusCode.Unavailable, $"The server closed the connection before it answered. {e.Status.Detail}", e.Status.DebugException),
                e.Trailers);
        }
    }

    private static bool ClosedByServer(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is HttpProtocolException { ErrorCode: 0 })
            {
                return true;
            }
        }

        return false;
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
