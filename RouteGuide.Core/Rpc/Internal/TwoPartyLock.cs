using System.Diagnostics.CodeAnalysis;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// An async mutual-exclusion lock for the few parties of a <see cref="CoalescingStream"/> (the writer,
/// the deferred flush, disposal). Uncontended, entering is one compare-and-swap and exiting one
/// exchange, with no allocation; a contended enter waits asynchronously on a semaphore that exits signal.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The SemaphoreSlim never creates its wait handle (only WaitAsync and Release are used), so it holds nothing to dispose; not disposing it lets a late waiter fail only by cancellation.")]
internal sealed class TwoPartyLock
{
    private readonly SemaphoreSlim _signal = new(0);
    private int _held;
    private int _waiting;

    /// <summary>Takes the lock, waiting asynchronously while another party holds it.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(EnterSlowAsync(cancellationToken));
    }

    /// <summary>Takes the lock if it is free.</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _held, 1, 0) == 0;

    /// <summary>Releases the lock and wakes a waiting party, if any.</summary>
    public void Exit()
    {
        // Interlocked (a full fence) so that the read of _waiting cannot move before the release:
        // a party that registered as waiting either sees the lock free or receives the signal.
        Interlocked.Exchange(ref _held, 0);
        if (Volatile.Read(ref _waiting) > 0)
        {
            _signal.Release();
        }
    }

    /// <summary>How many enters found the lock held (for diagnostics).</summary>
    public long ContendedEnters => Interlocked.Read(ref _contendedEnters);

    private long _contendedEnters;

    private async Task EnterSlowAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _contendedEnters);
        while (true)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
                {
                    return;
                }

                // A signal may be left over from an exit that raced with an earlier waiter taking the
                // lock; then this wakes early and simply tries again.
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }
}
