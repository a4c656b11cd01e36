using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.FastPath;

/// <summary>The buffering stream on its own, over a stream that records every write and flush.</summary>
[TestFixture]
public class CoalescingStreamTests
{
    [TestCase(64, 1)]
    [TestCase(64, 63)]
    [TestCase(64, 64)]
    [TestCase(64, 65)]
    [TestCase(1024, 100_000)]
    public async Task Bytes_arrive_unchanged_in_sends_no_larger_than_the_buffer_except_whole_buffers_of_a_huge_message(int bufferSize, int messageSize)
    {
        var inner = new RecordingStream();
        var counters = new CoalescingCounters();
        var options = new CoalescingOptions { BufferSize = bufferSize, FlushDelay = TimeSpan.FromHours(1) };
        var expected = new List<byte>();
        await using (var stream = new CoalescingStream(inner, options, counters))
        {
            await stream.FlushAsync();
            for (var i = 0; i < 7; i++)
            {
                var message = Enumerable.Range(0, messageSize).Select(b => (byte)(b + i)).ToArray();
                expected.AddRange(message);
                await stream.WriteAsync(message);
                await stream.FlushAsync();
            }

            await stream.CompleteAsync(CancellationToken.None);
        }

        inner.Written.Should().Equal(expected);
        inner.Writes.Should().OnlyContain(size => size <= bufferSize || size % bufferSize == 0);
        inner.FlushesAfterWrite.Should().BeTrue("every send is flushed to the HTTP/2 stream");
        counters.PeakBufferedBytes.Should().BeLessThanOrEqualTo(bufferSize);
        counters.SentBytes.Should().Be(expected.Count);
    }

    [Test]
    public async Task A_flushed_partial_buffer_is_sent_when_the_writer_goes_idle_with_no_timer_involved()
    {
        // A flush delay of an hour: only the idle check can send the message, so its latency cannot depend
        // on the OS timer's resolution (about 15.6 ms on Windows by default).
        var inner = new RecordingStream();
        var counters = new CoalescingCounters();
        var options = new CoalescingOptions { BufferSize = 1024, FlushDelay = TimeSpan.FromHours(1) };
        await using var stream = new CoalescingStream(inner, options, counters);

        await stream.WriteAsync(new byte[] { 1, 2, 3 });
        inner.Written.Should().BeEmpty("a write alone is only buffered");
        await stream.FlushAsync();

        await inner.FirstWrite.Task.WaitAsync(TimeSpan.FromSeconds(30));
        inner.Written.Should().Equal(1, 2, 3);
        counters.DeferredFlushes.Should().Be(1);
    }

    [Test]
    public async Task The_last_message_of_a_long_burst_leaves_when_the_writer_stops_with_no_timer_involved()
    {
        // 20,000 messages written and flushed back to back keep the idle check finding the writer busy;
        // once it stops, the next check sends the rest, although the timer would wait an hour.
        var inner = new RecordingStream();
        var options = new CoalescingOptions { BufferSize = 4096, FlushDelay = TimeSpan.FromHours(1) };
        var expected = new List<byte>();
        await using var stream = new CoalescingStream(inner, options, new CoalescingCounters());
        for (var i = 0; i < 20_000; i++)
        {
            var message = new[] { (byte)i, (byte)(i >> 8), (byte)7 };
            expected.AddRange(message);
            await stream.WriteAsync(message);
            await stream.FlushAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Sent() < expected.Count && !wait.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        lock (inner.Written)
        {
            inner.Written.Should().Equal(expected, "every message left without completion, more writes or the timer");
        }

        int Sent()
        {
            lock (inner.Written)
            {
                return inner.Written.Count;
            }
        }
    }

    [Test]
    public async Task A_send_waiting_for_flow_control_credit_ends_when_the_body_is_abandoned()
    {
        // After a trailers-only response SocketsHttpHandler can leave a body send waiting for credit, and the
        // call's own token is no longer cancelled once the call is over: abandoning the body must end it.
        var inner = new CreditlessStream();
        using var abandoned = new CancellationTokenSource();
        var options = new CoalescingOptions { BufferSize = 1024, FlushDelay = TimeSpan.FromHours(1) };
        await using var stream = new CoalescingStream(inner, options, new CoalescingCounters(), abandoned: abandoned.Token);

        var write = stream.WriteAsync(new byte[4096]).AsTask();
        await inner.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        write.IsCompleted.Should().BeFalse("the send waits for credit");
        await abandoned.CancelAsync();

        await FluentActions.Awaiting(() => write.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task Deferred_flushes_racing_with_writes_keep_every_byte_in_order_and_never_overlap_the_inner_stream()
    {
        // No flush delay: every flush schedules a deferred flush at once, on another thread, while the
        // writer goes on; the inner stream yields in each call to widen every window for a race.
        var inner = new YieldingRecordingStream();
        var options = new CoalescingOptions { BufferSize = 256, FlushDelay = TimeSpan.Zero };
        var random = new Random(20261126);
        var expected = new List<byte>();
        await using (var stream = new CoalescingStream(inner, options, new CoalescingCounters()))
        {
            for (var i = 0; i < 20_000; i++)
            {
                var message = new byte[random.Next(1, 300)];
                random.NextBytes(message);
                expected.AddRange(message);
                await stream.WriteAsync(message);
                await stream.FlushAsync();
                if (i % 1_000 == 0)
                {
                    await Task.Delay(1); // let deferred flushes find a partial buffer
                }
            }

            await stream.CompleteAsync(CancellationToken.None);
        }

        inner.Overlapped.Should().BeFalse("the buffer's owner and the deferred flush take turns on the inner stream");
        inner.Written.Count.Should().Be(expected.Count);
        inner.Written.Should().Equal(expected);
    }

    /// <summary>Records what reaches it, yields in every call, and notes if two calls ever overlap.</summary>
    private sealed class YieldingRecordingStream : WriteOnlyStream
    {
        private int _inside;

        public List<byte> Written { get; } = [];

        public bool Overlapped { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Enter();
            await Task.Yield();

            // Read after yielding: the buffer must stay untouched until this write completes.
            lock (Written)
            {
                Written.AddRange(buffer.ToArray());
            }

            Leave();
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            Enter();
            await Task.Yield();
            Leave();
        }

        public override void Flush() => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Enter()
        {
            if (Interlocked.Increment(ref _inside) != 1)
            {
                Overlapped = true;
            }
        }

        private void Leave() => Interlocked.Decrement(ref _inside);
    }

    /// <summary>A stream whose writes wait, as an HTTP/2 send without flow-control credit does, until cancelled.</summary>
    private sealed class CreditlessStream : WriteOnlyStream
    {
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Waiting.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Records what reaches it.</summary>
    private sealed class RecordingStream : WriteOnlyStream
    {
        private bool _unflushed;

        public List<byte> Written { get; } = [];

        public List<int> Writes { get; } = [];

        public bool FlushesAfterWrite { get; private set; } = true;

        public TaskCompletionSource FirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_unflushed)
            {
                FlushesAfterWrite = false;
            }

            lock (Written)
            {
                Written.AddRange(buffer.ToArray());
                Writes.Add(buffer.Length);
            }

            _unflushed = true;
            FirstWrite.TrySetResult();
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            _unflushed = false;
            return Task.CompletedTask;
        }

        public override void Flush() => _unflushed = false;

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }
}
