namespace RouteGuide.Core.Rpc.Internal;

/// <summary>What a <see cref="CoalescingHandler"/> has done, across all its calls; for tests and diagnostics.</summary>
internal sealed class CoalescingCounters
{
    private long _peakBufferedBytes;
    private long _sends;
    private long _sentBytes;
    private long _deferredFlushes;
    private long _wrappedRequests;

    /// <summary>The most bytes any one call's buffer has held at once.</summary>
    public long PeakBufferedBytes => Volatile.Read(ref _peakBufferedBytes);

    /// <summary>How many writes (each followed by a flush) reached the HTTP/2 request streams.</summary>
    public long Sends => Interlocked.Read(ref _sends);

    /// <summary>How many bytes those writes carried.</summary>
    public long SentBytes => Interlocked.Read(ref _sentBytes);

    /// <summary>How many of the sends were made by the deferred flush (the writer had nothing more ready).</summary>
    public long DeferredFlushes => Interlocked.Read(ref _deferredFlushes);

    /// <summary>How many requests had their body buffered.</summary>
    public long WrappedRequests => Interlocked.Read(ref _wrappedRequests);

    public void ObserveBuffered(int bytes)
    {
        // Cheap on the hot path: only a new maximum writes.
        var peak = Volatile.Read(ref _peakBufferedBytes);
        while (bytes > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakBufferedBytes, bytes, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    public void CountSend(int bytes)
    {
        Interlocked.Increment(ref _sends);
        Interlocked.Add(ref _sentBytes, bytes);
    }

    /// <summary>How many times the writer or the deferred flush had to wait for the other (counted when a call's body completes).</summary>
    public long ContendedEnters => Interlocked.Read(ref _contendedEnters);

    private long _contendedEnters;

    public void CountContendedEnters(long count) => Interlocked.Add(ref _contendedEnters, count);

    public void CountDeferredFlush() => Interlocked.Increment(ref _deferredFlushes);

    public void CountWrappedRequest() => Interlocked.Increment(ref _wrappedRequests);

    /// <summary>How many RecordRoute calls had their points written in bulk.</summary>
    public long BulkCalls => Interlocked.Read(ref _bulkCalls);

    private long _bulkCalls;

    public void CountBulkCall() => Interlocked.Increment(ref _bulkCalls);
}
