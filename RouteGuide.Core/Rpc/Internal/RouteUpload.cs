using System.Runtime.ExceptionServices;
using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// Writes the points of one RecordRoute call and half-closes its request stream, racing the call: it
/// returns once every point is written and the stream completed, or as soon as the call has ended
/// (the server failed it, its deadline passed), whichever comes first.
/// </summary>
/// <remarks>
/// <para>
/// When the call ends first, the point source is told to stop (its token is cancelled) and is not waited
/// for, so a source that does not listen cannot hold the caller past the call's end; whatever it throws
/// later is observed and dropped. The call's status is then the answer, read from the response.
/// </para>
/// <para>
/// A failure of the request stream itself (<see cref="RequestStreamWriteException"/>) also leaves the
/// answer to the response, with two exceptions: the caller's own cancellation is an
/// <see cref="OperationCanceledException"/>, and a point the channel refuses to send (over its
/// <c>MaxSendMessageSize</c>, <see cref="StatusCode.ResourceExhausted"/>) while the call is still open is
/// that write's error. The source's own exceptions propagate unchanged, whatever their type.
/// </para>
/// </remarks>
internal static class RouteUpload
{
    /// <summary>Writes every point with <paramref name="writeAll"/>, then half-closes, until the call ends.</summary>
    /// <param name="call">The call.</param>
    /// <param name="createWriter">Creates the call's point writer, given the token that ends its waits.</param>
    /// <param name="writeAll">Writes the points, stopping when its token is cancelled.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static async Task WriteAsync(
        AsyncClientStreamingCall<Point, RouteSummary> call,
        Func<CancellationToken, IPointWriter> createWriter,
        Func<IPointWriter, CancellationToken, Task> writeAll,
        CancellationToken cancellationToken)
    {
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writeTask = WriteAndCompleteAsync(createWriter(writing.Token), writeAll, writing.Token);
        if (await Task.WhenAny(writeTask, call.ResponseAsync).ConfigureAwait(false) != writeTask)
        {
            await writing.CancelAsync().ConfigureAwait(false);
            _ = writeTask.ContinueWith(
                static task => _ = task.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return;
        }

        try
        {
            await writeTask.ConfigureAwait(false);
        }
        catch (RequestStreamWriteException writeError)
        {
            var cause = writeError.InnerException!;
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("RecordRoute was cancelled.", cause, cancellationToken);
            }

            if (cause is RpcException { StatusCode: StatusCode.ResourceExhausted } && !call.ResponseAsync.IsCompleted)
            {
                ExceptionDispatchInfo.Throw(cause);
            }
        }
    }

    /// <summary>Writes the points of a sequence, one by one, stopping when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task WriteAllAsync(IPointWriter writer, IEnumerable<Point> points, CancellationToken cancellationToken)
    {
        foreach (var point in points)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(point).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the points of an asynchronous sequence as they arrive; whenever the source has to wait,
    /// what was written so far is sent first.
    /// </summary>
    public static async Task WriteAllAsync(IPointWriter writer, IAsyncEnumerable<Point> points, CancellationToken cancellationToken)
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
                    try
                    {
                        await writer.FlushAsync().ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        // Reported after the pending MoveNextAsync is awaited, never left running.
                        flushError = e;
                    }
                }

                var more = await next.ConfigureAwait(false);
                if (flushError is not null)
                {
                    ExceptionDispatchInfo.Throw(flushError);
                }

                if (!more)
                {
                    return;
                }

                await writer.WriteAsync(source.Current).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteAndCompleteAsync(IPointWriter writer, Func<IPointWriter, CancellationToken, Task> writeAll, CancellationToken cancellationToken)
    {
        await using (writer.ConfigureAwait(false))
        {
            await writeAll(writer, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }
}
