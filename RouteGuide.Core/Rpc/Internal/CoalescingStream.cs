using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// The request body stream that a <see cref="CoalescingContent"/> hands to Grpc.Net.Client. Grpc.Net.Client
/// writes each message with one <c>WriteAsync</c> and then calls <c>FlushAsync</c>; this stream copies
/// messages into one fixed-size buffer and sends the buffer to the HTTP/2 request stream (write, then
/// flush) only when it is full, when a deferred flush finds data still waiting, or when the body completes.
/// </summary>
/// <remarks>
/// <para>
/// Backpressure: a full buffer is written to the HTTP/2 stream while the writer waits, so when the
/// server's flow-control window is exhausted the writer waits too; memory never grows past the buffer.
/// </para>
/// <para>
/// Latency: the buffer is sent when the writer goes idle, as grpc-go flushes when its write queue is
/// empty. A <c>FlushAsync</c> that finds a partial buffer queues an idle check on the thread pool (if none
/// is queued). When the check runs and no flush was asked for since it was queued, the writer has
/// stopped, and the buffer is sent at once; if the writer has flushed again meanwhile, it is still
/// writing, and the check is queued again. So the last message before any pause leaves as soon as the
/// thread pool runs the check after it, with no timer involved, on every OS. While the writer keeps
/// writing, a one-shot timer of <see cref="CoalescingOptions.FlushDelay"/> (armed by the first check that
/// finds it busy) also sends what is buffered, so that a steady stream is not held until the buffer
/// fills; that bound is the OS timer's (docs/fast-path.md).
/// </para>
/// <para>
/// Concurrency: one writer at a time (Grpc.Net.Client never overlaps writes, and completion follows the
/// last write). The buffer and the inner stream belong to whoever holds <see cref="_gate"/>, which the
/// writer takes for every message. The idle check and the timer never wait for it: they mark a flush as
/// due and send only if they can take the lock at once; otherwise the writer, on releasing the lock, sees
/// the mark and sends. Only the writer ever waits, and only while a deferred flush is sending.
/// </para>
/// </remarks>
[SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "The SemaphoreSlim never creates its wait handle (only Wait(0), WaitAsync and Release are used), so it holds nothing to dispose; not disposing it lets a writer still waiting fail only by its cancellation.")]
internal sealed class CoalescingStream : Stream, IThreadPoolWorkItem
{
    private const int IdleNone = 0;
    private const int IdleCheckQueued = 1;
    private const int IdleCheckQueuedWriterBusy = 2;

    private readonly Stream _inner;
    private readonly CoalescingCounters _counters;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _flushDelay;
    private readonly Timer _timer;
    private readonly CancellationTokenSource _closed = new();
    private byte[]? _buffer;
    private int _count;
    private int _idle;
    private int _timerArmed;
    private int _flushDue;
    private long _contendedEnters;
    private Exception? _deferredError;

    // The call's token, from Grpc.Net.Client's per-message FlushAsync: cancelled by the call's
    // deadline, its cancellation token and its disposal, so buffered writes observe all three.
    private CancellationToken _callToken;

    // Set when the body may be handed to the bulk writer (see BulkRouteTicket).
    private readonly BulkRouteTicket? _bulk;

    // Cancelled when the call's response has ended before its request body: sends still waiting for
    // flow-control credit then fail instead of waiting for credit that never comes.
    private readonly CancellationToken _abandoned;

    public CoalescingStream(Stream inner, CoalescingOptions options, CoalescingCounters counters, BulkRouteTicket? bulk = null, CancellationToken abandoned = default)
    {
        _inner = inner;
        _bulk = bulk;
        _abandoned = abandoned;
        _counters = counters;
        _flushDelay = options.FlushDelay;
        _buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
        BufferSize = options.BufferSize;
        _timer = new Timer(static state => ((CoalescingStream)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The most bytes this stream ever holds.</summary>
    public int BufferSize { get; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_bulk is { IsCommitted: true } && !buffer.IsEmpty)
        {
            // The bulk writer owns this body and RecordRouteAsync never writes through Grpc.Net.Client
            // then: a write from it means it changed how it writes, so fail rather than mix bytes.
            return ValueTask.FromException(new InvalidOperationException("Grpc.Net.Client wrote to a RecordRoute request body that the bulk writer owns."));
        }

        return WriteCoreAsync(buffer, cancellationToken);
    }

    /// <summary>Writes framed messages of the bulk writer, which owns the body (see <see cref="BulkRouteTicket"/>).</summary>
    public ValueTask WriteBulkAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) => WriteCoreAsync(buffer, cancellationToken);

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var token = TokenFor(cancellationToken);
        await EnterAsync(token).ConfigureAwait(false);
        try
        {
            ThrowIfFailedOrClosed();
            var pending = buffer;
            while (pending.Length > 0)
            {
                var target = _buffer!;
                var free = BufferSize - _count;
                if (pending.Length <= free)
                {
                    pending.Span.CopyTo(target.AsSpan(_count));
                    Volatile.Write(ref _count, _count + pending.Length);
                    _counters.ObserveBuffered(_count);
                    break;
                }

                if (_count == 0)
                {
                    // A message larger than the buffer: send whole buffers of it straight away.
                    var direct = pending.Length - (pending.Length % BufferSize);
                    await SendAsync(pending[..direct], token).ConfigureAwait(false);
                    pending = pending[direct..];
                    continue;
                }

                // Fill the buffer to the brim, send it, and carry on with the rest of the message.
                pending.Span[..free].CopyTo(target.AsSpan(_count));
                _count = BufferSize;
                _counters.ObserveBuffered(_count);
                pending = pending[free..];
                await SendBufferAsync(token).ConfigureAwait(false);
            }
        }
        finally
        {
            ReleaseGate();
        }

        if (Volatile.Read(ref _flushDue) != 0)
        {
            await ServeDueFlushAsync().ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _callToken = cancellationToken;
        }

        // The common case, without the lock: data is buffered, so a deferred flush (an idle check queued
        // now or already, or the timer) will send this message's bytes too.
        if (Volatile.Read(ref _count) > 0 && _deferredError is null)
        {
            RequestDeferredFlush();
            return Task.CompletedTask;
        }

        return FlushSlowAsync(cancellationToken);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Sends whatever is buffered and stops the deferred flush: the body is complete.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFailedOrClosed();
            if (_count > 0)
            {
                await SendBufferAsync(TokenFor(cancellationToken)).ConfigureAwait(false);
            }
        }
        finally
        {
            CloseUnderGate();
            _gate.Release();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Stop the timer; the buffer goes back to the pool once no one can be using it (under the
            // lock), or is left to the GC if a send is still stuck.
            _closed.Cancel();
            if (_gate.Wait(0))
            {
                try
                {
                    CloseUnderGate();
                }
                finally
                {
                    _gate.Release();
                }
            }
            else
            {
                _timer.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private async Task FlushSlowAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfFailedOrClosed();
            if (_count == 0)
            {
                // Nothing buffered: pass the flush on (the first one sends the request headers).
                await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            RequestDeferredFlush();
        }
        finally
        {
            ReleaseGate();
        }

        if (Volatile.Read(ref _flushDue) != 0)
        {
            await ServeDueFlushAsync().ConfigureAwait(false);
        }
    }

    private CancellationToken TokenFor(CancellationToken given) => _callToken.CanBeCanceled ? _callToken : given;

    /// <summary>Takes the lock, waiting asynchronously while a deferred flush holds it.</summary>
    private ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (_gate.Wait(0, CancellationToken.None))
        {
            return ValueTask.CompletedTask;
        }

        Interlocked.Increment(ref _contendedEnters);
        return new ValueTask(_gate.WaitAsync(cancellationToken));
    }

    /// <summary>Makes sure a deferred flush will send what is buffered now: queues an idle check unless one is queued or the timer is armed.</summary>
    private void RequestDeferredFlush()
    {
        while (true)
        {
            switch (Volatile.Read(ref _idle))
            {
                case IdleNone:
                    if (Interlocked.CompareExchange(ref _idle, IdleCheckQueued, IdleNone) == IdleNone)
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                        return;
                    }

                    break;
                case IdleCheckQueued:
                    // Tell the queued check that the writer is still writing.
                    if (Interlocked.CompareExchange(ref _idle, IdleCheckQueuedWriterBusy, IdleCheckQueued) == IdleCheckQueued)
                    {
                        return;
                    }

                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>The idle check, on the thread pool: sends if the writer has not flushed since it was queued.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        if (Interlocked.CompareExchange(ref _idle, IdleNone, IdleCheckQueued) == IdleCheckQueued)
        {
            ServeDeferredFlush();
            return;
        }

        // The writer flushed again meanwhile (only this check moves the state on from here): it is
        // streaming, so the timer bounds how long its messages wait, and the check looks again.
        if (Interlocked.CompareExchange(ref _timerArmed, 1, 0) == 0)
        {
            try
            {
                _timer.Change(_flushDelay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile: nothing is left to send.
            }
        }

        Volatile.Write(ref _idle, IdleCheckQueued);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void OnTimer()
    {
        Volatile.Write(ref _timerArmed, 0);
        ServeDeferredFlush();
    }

    private void ServeDeferredFlush()
    {
        Interlocked.Exchange(ref _flushDue, 1);
        _ = ServeDueFlushAsync();
    }

    /// <summary>
    /// Sends the buffer for a fired timer if the lock is free; if it is not, its holder calls this again
    /// after releasing it. The flag is set before the lock is tried and read after it is released (both
    /// with full fences), so a due flush is always served by one side or the other.
    /// </summary>
    private async Task ServeDueFlushAsync()
    {
        while (Volatile.Read(ref _flushDue) != 0 && _gate.Wait(0))
        {
            try
            {
                if (Interlocked.Exchange(ref _flushDue, 0) != 0 && _buffer is not null && _deferredError is null && _count > 0 && !_closed.IsCancellationRequested)
                {
                    _counters.CountDeferredFlush();
                    await SendBufferAsync(TokenFor(_closed.Token)).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                // The writer sees the failure on its next write, flush or completion.
                _deferredError = e;
            }
            finally
            {
                ReleaseGate();
            }
        }
    }

    /// <summary>
    /// Releases the lock with a full fence, so that the caller's next read of <see cref="_flushDue"/> cannot
    /// move before the release: a deferred flush that found the lock held is then always seen.
    /// </summary>
    private void ReleaseGate()
    {
        _gate.Release();
        Interlocked.MemoryBarrier();
    }

    private async Task SendBufferAsync(CancellationToken cancellationToken)
    {
        var count = _count;
        Volatile.Write(ref _count, 0);
        await SendAsync(_buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _counters.CountSend(data.Length);
        using var either = _abandoned.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abandoned) : null;
        var token = either?.Token ?? cancellationToken;
        await _inner.WriteAsync(data, token).ConfigureAwait(false);
        await _inner.FlushAsync(token).ConfigureAwait(false);
    }

    private void ThrowIfFailedOrClosed()
    {
        if (_deferredError is { } error)
        {
            // Rethrown as it was, so that the writer gets what a write of its own would have got: above
            // all an OperationCanceledException when the call's deadline or cancellation ended a send
            // blocked on flow control, which Grpc.Net.Client turns into the call's status.
            ExceptionDispatchInfo.Throw(error);
        }

        ObjectDisposedException.ThrowIf(_buffer is null || _closed.IsCancellationRequested, this);
    }

    private void CloseUnderGate()
    {
        _timer.Dispose();
        if (_buffer is { } buffer)
        {
            _counters.CountContendedEnters(Interlocked.Read(ref _contendedEnters));
            _buffer = null;
            _count = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
