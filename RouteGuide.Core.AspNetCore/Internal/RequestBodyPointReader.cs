using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.AspNetCore.Internal;

/// <summary>
/// The batch read path of RecordRoute: reads the request body pipe and cuts every complete
/// length-prefixed message in the buffer out in one pass, decoding each <c>Point</c> in place, then
/// advances the pipe once. No allocation per point: the batch's array starts small (so that thousands of
/// idle calls hold little) and doubles while reads fill it, up to <see cref="BatchCapacity"/>.
/// </summary>
/// <remarks>
/// The framing rules and statuses are those of Grpc.AspNetCore's own reader: a compressed flag other
/// than 0 or 1 is an <see cref="InvalidDataException"/>; a length over the receive limit is
/// <see cref="StatusCode.ResourceExhausted"/> as soon as the header is in; a compressed message (this
/// path runs only for requests without a <c>grpc-encoding</c> other than <c>identity</c>) and a message
/// cut off by the end of the body are <see cref="StatusCode.Internal"/>; a message that is not a valid
/// <c>Point</c> fails with Google.Protobuf's own exception. A failure found after some points of the
/// same read is kept until those points have been handed out, so it is reported at the right message.
/// </remarks>
internal sealed class RequestBodyPointReader : IPointBatchReader
{
    /// <summary>How many points one batch holds at most (the messages of about 64 KiB of request body).</summary>
    public const int BatchCapacity = 4096;

    /// <summary>How many points the first batch holds at most: a call that sends a few points, or waits, holds 512 bytes, not 32 KiB.</summary>
    public const int FirstBatchCapacity = 64;

    /// <summary>Messages split across buffer segments up to this length are decoded from a copy on the stack.</summary>
    private const int StackCopyLimit = 128;

    private static readonly Status IncompleteMessage = new(StatusCode.Internal, "Incomplete message.");
    private static readonly Status ReadCancelled = new(StatusCode.Internal, "Incoming message cancelled.");
    private static readonly Status MessageTooLarge = new(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
    private static readonly Status CompressedWithoutEncoding = new(StatusCode.Internal, "Request did not include grpc-encoding value with compressed message.");
    private static readonly Status CompressedWithIdentity = new(StatusCode.Internal, "Request sent 'identity' grpc-encoding value with compressed message.");

    private readonly PipeReader _body;
    private readonly long _maxMessageSize;
    private readonly bool _identityEncoding;
    private WirePoint[] _points = new WirePoint[FirstBatchCapacity];
    private Exception? _pending;

    /// <summary>Creates a reader of one call's request body.</summary>
    /// <param name="body">The request body pipe.</param>
    /// <param name="maxMessageSize">The receive limit; <see langword="null"/> for none.</param>
    /// <param name="identityEncoding">Whether the request said <c>grpc-encoding: identity</c> (rather than nothing).</param>
    public RequestBodyPointReader(PipeReader body, int? maxMessageSize, bool identityEncoding)
    {
        _body = body;
        _maxMessageSize = maxMessageSize ?? int.MaxValue;
        _identityEncoding = identityEncoding;
    }

    // Pooled: with a client that sends one DATA frame per message, nearly every read waits.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(CancellationToken cancellationToken)
    {
        if (_pending is { } pending)
        {
            _pending = null;
            ExceptionDispatchInfo.Throw(pending);
        }

        while (true)
        {
            ReadResult result;
            try
            {
                result = await _body.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException and not BadHttpRequestException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Kestrel failed the body itself: the client reset the stream, or the connection went away
                // (ConnectionAbortedException). It cancels the call's token only afterwards, from the thread
                // pool, so say here that the client ended the call rather than sent something unreadable.
                throw new RequestStreamAbortedException(e);
            }

            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _body.AdvanceTo(buffer.Start);
                throw new RpcException(ReadCancelled);
            }

            var count = CutMessages(buffer, out var consumed, out var failure);
            if (count > 0 || failure is not null)
            {
                // Everything cut out is consumed; what is left (part of a message) is read again next time.
                _body.AdvanceTo(consumed);
                if (count == 0)
                {
                    ExceptionDispatchInfo.Throw(failure!);
                }

                _pending = failure;
                var batch = _points.AsMemory(0, count);
                if (count == _points.Length && count < BatchCapacity)
                {
                    // A full batch: points are arriving faster than they are read, so the next batch may
                    // hold twice as many (this one stays valid until the next read, as promised).
                    _points = new WirePoint[count * 2];
                }

                return batch;
            }

            if (result.IsCompleted)
            {
                _body.AdvanceTo(consumed);
                return buffer.IsEmpty ? ReadOnlyMemory<WirePoint>.Empty : throw new RpcException(IncompleteMessage);
            }

            // Not even one whole message yet: wait for more than what has been examined.
            _body.AdvanceTo(consumed, buffer.End);
        }
    }

    /// <inheritdoc />
    /// <remarks>Nothing to do here: the body is read past those points, and the call is ending; its policy counts what was read.</remarks>
    public void Unread(int count)
    {
    }

    /// <summary>
    /// Decodes every complete message at the start of <paramref name="buffer"/> into the batch (up to
    /// its capacity) and stops at the first failure, which it returns rather than throws. Messages are
    /// cut straight from each segment's span; only one that straddles segments goes through a
    /// <see cref="SequenceReader{T}"/> and a copy.
    /// </summary>
    private int CutMessages(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out Exception? failure)
    {
        var rest = buffer;
        var count = 0;
        var offset = 0;
        failure = null;
        try
        {
            while (count < _points.Length && !rest.IsEmpty)
            {
                var span = rest.FirstSpan;
                while (count < _points.Length && span.Length - offset >= PointWireFormat.MessageHeaderLength)
                {
                    // Nearly every message is an uncompressed Point as protobuf libraries write it.
                    count = CutUsualMessages(span, ref offset, count);
                    if (count == _points.Length || span.Length - offset < PointWireFormat.MessageHeaderLength)
                    {
                        break;
                    }

                    // One message of another kind, a message too near the end of this segment to be read
                    // a word at a time, or one that breaks a rule: the full checks decide.
                    var length = CheckHeader(span[offset], BinaryPrimitives.ReadUInt32BigEndian(span[(offset + 1)..]), out var compressed);
                    var start = offset + PointWireFormat.MessageHeaderLength;
                    if (span.Length - start < length)
                    {
                        break;
                    }

                    ThrowIfCompressed(compressed);
                    var decoded = PointWireFormat.Decode(span.Slice(start, length)); // may throw: count only after
                    _points[count++] = decoded;
                    offset = start + length;
                }

                rest = rest.Slice(offset);
                offset = 0;
                if (count == _points.Length || !TryCutStraddling(ref rest, out var point))
                {
                    break;
                }

                _points[count++] = point;
            }
        }
        catch (Exception e) when (e is RpcException or InvalidDataException or InvalidProtocolBufferException)
        {
            failure = e;
        }

        consumed = rest.Slice(offset).Start;
        return count;
    }

    /// <summary>
    /// Cuts messages from <paramref name="offset"/> on while <see cref="PointWireFormat.TryDecodeFramed"/>
    /// takes them (uncompressed, the usual layout, within the receive limit) and the batch has room; the
    /// rest is for the full checks. Kept apart from <see cref="CutMessages"/> so that its loop runs in
    /// registers, outside that method's exception handler.
    /// </summary>
    private int CutUsualMessages(ReadOnlySpan<byte> span, ref int offset, int count)
    {
        var points = _points;
        var maxMessageSize = _maxMessageSize;
        var at = offset;
        while ((uint)count < (uint)points.Length
               && PointWireFormat.TryDecodeFramed(span[at..], out var length, out var latitude, out var longitude)
               && length <= maxMessageSize)
        {
            points[count++] = new WirePoint(latitude, longitude);
            at += PointWireFormat.MessageHeaderLength + length;
        }

        offset = at;
        return count;
    }

    /// <summary>Cuts one message that does not lie within the first segment of <paramref name="rest"/>, if it is all there.</summary>
    private bool TryCutStraddling(ref ReadOnlySequence<byte> rest, out WirePoint point)
    {
        point = default;
        var reader = new SequenceReader<byte>(rest);
        Span<byte> header = stackalloc byte[PointWireFormat.MessageHeaderLength];
        if (!reader.TryCopyTo(header))
        {
            return false;
        }

        var length = CheckHeader(header[0], BinaryPrimitives.ReadUInt32BigEndian(header[1..]), out var compressed);
        if (reader.Remaining < PointWireFormat.MessageHeaderLength + length)
        {
            return false;
        }

        ThrowIfCompressed(compressed);
        point = DecodeSplit(reader, length);
        rest = rest.Slice(PointWireFormat.MessageHeaderLength + length);
        return true;
    }

    /// <summary>Checks a message header (as Grpc.AspNetCore does, before the message is all in) and returns the message's length.</summary>
    private int CheckHeader(byte flag, uint declared, out bool compressed)
    {
        compressed = flag switch
        {
            0 => false,
            1 => true,
            _ => throw new InvalidDataException($"The message header has compressed flag {flag}; only 0 and 1 exist."),
        };
        if (declared > int.MaxValue)
        {
            throw new InvalidDataException($"The message header declares {declared} bytes, over the 2 GiB a gRPC message can have.");
        }

        if (declared > _maxMessageSize)
        {
            throw new RpcException(MessageTooLarge);
        }

        return (int)declared;
    }

    private void ThrowIfCompressed(bool compressed)
    {
        if (compressed)
        {
            throw new RpcException(_identityEncoding ? CompressedWithIdentity : CompressedWithoutEncoding);
        }
    }

    /// <summary>Decodes a message that spans buffer segments from a contiguous copy.</summary>
    private static WirePoint DecodeSplit(SequenceReader<byte> reader, int length)
    {
        reader.Advance(PointWireFormat.MessageHeaderLength);
        if (length <= StackCopyLimit)
        {
            Span<byte> copy = stackalloc byte[StackCopyLimit];
            reader.TryCopyTo(copy[..length]);
            return PointWireFormat.Decode(copy[..length]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            reader.TryCopyTo(rented.AsSpan(0, length));
            return PointWireFormat.Decode(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
