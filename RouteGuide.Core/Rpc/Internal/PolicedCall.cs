using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// What <see cref="RouteGuideCallPolicy"/> knows about one call: how many request messages were read,
/// which exception (if any) the request or response stream itself threw, which call limit (if any)
/// ended it, and the token that ends the request stream's reads when the server starts shutting down
/// or a limit passes.
/// </summary>
/// <remarks>
/// The idle timeout and the duration limit cost nothing per message: one timer per call checks, a few
/// times per timeout, whether <see cref="MessagesRead"/> has moved since the last check. A read loop
/// that bypasses <see cref="PolicedRequestStream{T}"/> (a batch read path) reads with
/// <see cref="ReadToken"/> and reports what it read with <see cref="Received"/>.
/// </remarks>
internal sealed class PolicedCall : IDisposable
{
    private readonly Func<ServerCallContext, bool>? _requestComplete;
    private readonly CallLimits _limits;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly object _gate = new();
    private CancellationTokenSource? _reads;
    private readonly ITimer? _watch;
    private long _lastSeen;
    private long _quietSince;
    private bool _disposed;

    public PolicedCall(ServerCallContext context, string requestType, Func<ServerCallContext, bool>? requestComplete, CallLimits limits, TimeProvider time, CancellationToken serverStopping)
    {
        Context = context;
        RequestType = requestType;
        ServerStopping = serverStopping;
        _requestComplete = requestComplete;
        _limits = limits;
        _time = time;
        _started = _quietSince = time.GetTimestamp();
        if (limits.Period is { } period)
        {
            _reads = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, serverStopping);
            _watch = time.CreateTimer(static state => ((PolicedCall)state!).Check(), this, period, period);
        }
    }

    public ServerCallContext Context { get; }

    public CancellationToken ServerStopping { get; }

    /// <summary>The request message type's name, for error messages.</summary>
    public string RequestType { get; }

    /// <summary>The method's short name, as in "RecordRoute".</summary>
    public string MethodName => Context.Method[(Context.Method.LastIndexOf('/') + 1)..];

    /// <summary>The number of request messages read; also the index of the next one.</summary>
    public long MessagesRead { get; private set; }

    /// <summary>The exception the request stream threw, if it threw one.</summary>
    public Exception? ReadFailure { get; set; }

    /// <summary>The exception the response stream threw, if it threw one (the client went away).</summary>
    public Exception? WriteFailure { get; set; }

    /// <summary>The call limit that ended the call's reads, if one did.</summary>
    public CallLimit LimitReached { get; private set; }

    /// <summary>How long the call has run, on the policy's clock.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>The limits this call runs under.</summary>
    public CallLimits Limits => _limits;

    /// <summary>
    /// The token a read that waits for the client should use: it ends when the call is cancelled, the
    /// server starts shutting down, or a time limit passes. For a batch read loop; a call whose server
    /// is already shutting down is read only as <see cref="MoveNext"/> does.
    /// </summary>
    public CancellationToken ReadToken => _reads?.Token ?? Context.CancellationToken;

    /// <summary>How many more request messages the call may send; 0 once its message limit is reached.</summary>
    public long MessagesLeft => Math.Max(0, _limits.MaxMessages - MessagesRead);

    /// <summary>Counts <paramref name="count"/> request messages read, failing the call past its message limit.</summary>
    /// <exception cref="RpcException"><c>ResourceExhausted</c>: more messages than the call may send.</exception>
    public void Received(int count)
    {
        MessagesRead += count;
        if (MessagesRead > _limits.MaxMessages)
        {
            LimitReached = CallLimit.Messages;
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"{MethodName} accepts at most {_limits.MaxMessages} messages per call; message {_limits.MaxMessages} (zero-based index) was refused. Send the rest in another call."));
        }
    }

    /// <summary>
    /// Uncounts the last <paramref name="count"/> messages of a batch that the handler did not take
    /// (it failed the call at the message before them): as on the standard path, a message the handler
    /// never reached was never read.
    /// </summary>
    public void Unread(int count) => MessagesRead -= count;

    /// <summary>
    /// Reads the next request message. With the call's own token (or none), a read that waits for the
    /// client also ends when the server starts shutting down or a time limit passes. Once the server
    /// is shutting down, a call whose client has half-closed is read to its end; any other ends at once.
    /// (When the host cannot tell, what is already buffered is read, and a read that would wait ends.)
    /// </summary>
    public Task<bool> MoveNext<T>(IAsyncStreamReader<T> inner, CancellationToken requested)
    {
        if (requested.CanBeCanceled && requested != Context.CancellationToken)
        {
            return inner.MoveNext(requested);
        }

        if (!ServerStopping.IsCancellationRequested)
        {
            if (_reads is null && !ServerStopping.CanBeCanceled)
            {
                return inner.MoveNext(requested);
            }

            _reads ??= CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, ServerStopping);
            return inner.MoveNext(_reads.Token);
        }

        if (_requestComplete is not null)
        {
            return _requestComplete(Context) ? inner.MoveNext(Context.CancellationToken) : Task.FromCanceled<bool>(ServerStopping);
        }

        using var last = CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken);
        var read = inner.MoveNext(last.Token);
        if (!read.IsCompleted)
        {
            last.Cancel();
        }

        return read;
    }

    /// <summary>
    /// Reads the next batch of RecordRoute points, by the same rules (and with the same tokens) as
    /// <see cref="MoveNext{T}"/>; the caller reports what it read with <see cref="Received"/>.
    /// </summary>
    public ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(IPointBatchReader inner, CancellationToken requested)
    {
        if (requested.CanBeCanceled && requested != Context.CancellationToken)
        {
            return inner.ReadBatchAsync(requested);
        }

        if (!ServerStopping.IsCancellationRequested)
        {
            if (_reads is null && !ServerStopping.CanBeCanceled)
            {
                return inner.ReadBatchAsync(requested);
            }

            _reads ??= CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, ServerStopping);
            return inner.ReadBatchAsync(_reads.Token);
        }

        if (_requestComplete is not null)
        {
            return _requestComplete(Context) ? inner.ReadBatchAsync(Context.CancellationToken) : ValueTask.FromCanceled<ReadOnlyMemory<WirePoint>>(ServerStopping);
        }

        using var last = CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken);
        var read = inner.ReadBatchAsync(last.Token);
        if (!read.IsCompleted)
        {
            last.Cancel();
        }

        return read;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _watch?.Dispose();
            _reads?.Dispose();
        }
    }

    /// <summary>The timer's check: ends the call's reads once it has been quiet or running too long.</summary>
    private void Check()
    {
        CancellationTokenSource reads;
        lock (_gate)
        {
            if (_disposed || LimitReached != CallLimit.None)
            {
                return;
            }

            var now = _time.GetTimestamp();
            var read = MessagesRead;
            if (read != _lastSeen)
            {
                _lastSeen = read;
                _quietSince = now;
            }

            if (_time.GetElapsedTime(_started, now) >= _limits.MaxDuration)
            {
                LimitReached = CallLimit.Duration;
            }
            else if (_time.GetElapsedTime(_quietSince, now) >= _limits.IdleTimeout)
            {
                LimitReached = CallLimit.Idle;
            }
            else
            {
                return;
            }

            reads = _reads!;
        }

        try
        {
            reads.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile: nothing left to end.
        }
    }
}
