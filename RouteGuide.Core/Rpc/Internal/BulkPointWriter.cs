using System.Buffers;
using System.Runtime.CompilerServices;
using Grpc.Core;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// The bulk write path of <c>RecordRouteAsync</c>: frames points (5-byte header and two varints each)
/// into a scratch buffer and writes it to the call's request body in large pieces, through the same
/// <see cref="CoalescingStream"/> that Grpc.Net.Client would write to, so backpressure, flushing and
/// cancellation work as they do for its writes. The call's headers, deadline, status and trailers stay
/// Grpc.Net.Client's; only the request messages are written here. Until the channel's handler has
/// attached the call's <see cref="BulkRouteTicket"/> (on a channel without the handler: always), each
/// point goes through Grpc.Net.Client's writer instead.
/// </summary>
/// <remarks>
/// Only a point's latitude and longitude are written (unknown fields of a parsed <see cref="Point"/>
/// are not). A point longer than the channel's <c>MaxSendMessageSize</c> fails as Grpc.Net.Client fails
/// it, with <see cref="StatusCode.ResourceExhausted"/>. Points from a synchronous source wait in the
/// scratch buffer until it fills (or, checked every 64 points, for at most the flush delay) or the source
/// ends; an asynchronous source's points are sent whenever the source has to wait.
/// </remarks>
internal sealed class BulkPointWriter : IPointWriter
{
    /// <summary>The scratch buffer's size: half the coalescing buffer, so each piece fills a DATA frame or more.</summary>
    public const int ScratchSize = 16 * 1024;

    private const int FramedMaxLength = PointWireFormat.MessageHeaderLength + PointWireFormat.MaxEncodedLength;

    private static readonly Status SendLimitExceeded = new(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");

    private readonly IClientStreamWriter<Point> _requestStream;
    private readonly StreamPointWriter _standard;
    private readonly BulkRouteTicket _ticket;
    private int _sendLimit;
    private long _flushDelayTicks;
    private bool _committed;
    private readonly CancellationToken _cancellationToken;
    private byte[]? _scratch = ArrayPool<byte>.Shared.Rent(ScratchSize);
    private int _count;
    private int _sinceClockCheck;
    private long _firstUnsentAt;
    private CoalescingStream? _body;

    /// <param name="requestStream">Grpc.Net.Client's request stream: for points before the switch, and to half-close it.</param>
    /// <param name="ticket">The call's ticket, which brings the request body once the handler has attached it.</param>
    /// <param name="cancellationToken">Ends waits for the body and writes: the call ended or the caller cancelled.</param>
    public BulkPointWriter(IClientStreamWriter<Point> requestStream, BulkRouteTicket ticket, CancellationToken cancellationToken)
    {
        _requestStream = requestStream;
        _standard = new StreamPointWriter(requestStream);
        _ticket = ticket;
        _cancellationToken = cancellationToken;
    }

    public ValueTask WriteAsync(Point point)
    {
        if (!_committed)
        {
            if (!_ticket.TryCommit())
            {
                return _standard.WriteAsync(point);
            }

            _committed = true;
            _sendLimit = _ticket.SendLimit ?? int.MaxValue;
            _flushDelayTicks = (long)(_ticket.FlushDelay.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        }

        var latitude = point.Latitude;
        var longitude = point.Longitude;
        if (_sendLimit < PointWireFormat.MaxEncodedLength && PointWireFormat.EncodedLength(latitude, longitude) > _sendLimit)
        {
            return ValueTask.FromException(new RequestStreamWriteException(new RpcException(SendLimitExceeded)));
        }

        var scratch = _scratch ?? throw new ObjectDisposedException(nameof(BulkPointWriter));
        if (ScratchSize - _count < FramedMaxLength)
        {
            return WriteAfterSendAsync(latitude, longitude, flush: false);
        }

        if (++_sinceClockCheck >= 64 && IsOverdue())
        {
            // The source is slow: what it produced leaves now, rather than waiting for the buffers to fill.
            return WriteAfterSendAsync(latitude, longitude, flush: true);
        }

        if (_count == 0)
        {
            _firstUnsentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        _count += PointWireFormat.WriteMessage(scratch.AsSpan(_count), latitude, longitude);
        return ValueTask.CompletedTask;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync()
    {
        if (_count > 0)
        {
            await SendAsync(flush: true).ConfigureAwait(false);
        }
    }

    public async ValueTask CompleteAsync()
    {
        if (!_committed)
        {
            await _standard.CompleteAsync().ConfigureAwait(false);
            return;
        }

        if (_count > 0)
        {
            await SendAsync(flush: false).ConfigureAwait(false);
        }

        try
        {
            await _requestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new RequestStreamWriteException(e);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_scratch is { } scratch)
        {
            _scratch = null;
            ArrayPool<byte>.Shared.Return(scratch);
        }

        return ValueTask.CompletedTask;
    }

    private bool IsOverdue()
    {
        _sinceClockCheck = 0;
        return _count > 0 && System.Diagnostics.Stopwatch.GetTimestamp() - _firstUnsentAt > _flushDelayTicks;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAfterSendAsync(int latitude, int longitude, bool flush)
    {
        if (_count > 0)
        {
            await SendAsync(flush).ConfigureAwait(false);
        }

        _firstUnsentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _count = PointWireFormat.WriteMessage(_scratch.AsSpan(), latitude, longitude);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(bool flush)
    {
        try
        {
            var body = _body ??= await _ticket.Body.WaitAsync(_cancellationToken).ConfigureAwait(false);
            await body.WriteBulkAsync(_scratch.AsMemory(0, _count), _cancellationToken).ConfigureAwait(false);
            _count = 0;
            if (flush)
            {
                await body.FlushAsync(_cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            throw new RequestStreamWriteException(e);
        }
    }
}
