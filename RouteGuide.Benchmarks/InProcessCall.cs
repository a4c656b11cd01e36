using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using RouteGuide.Core.AspNetCore.Internal;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Benchmarks;

/// <summary>
/// What a RecordRoute handler gets from its host, made in process so that the handler's own per-point
/// work can be timed without a network: a call context, and the request body either as Grpc.AspNetCore
/// hands it over (one parsed <see cref="Point"/> per message) or as the batch read path reads it (the
/// framed bytes, in 4 KiB segments as Kestrel's buffers hold them).
/// </summary>
internal static class InProcessCall
{
    private const int SegmentSize = 4096;

    /// <summary>The request body of <paramref name="points"/>: each a gRPC length-prefixed message, in 4 KiB segments.</summary>
    public static ReadOnlySequence<byte> FramedBody(Point[] points)
    {
        var bytes = points.SelectMany(p => Frame(p.ToByteArray())).ToArray();
        var first = new Segment(bytes.AsMemory(0, Math.Min(SegmentSize, bytes.Length)), 0);
        var last = first;
        for (var at = SegmentSize; at < bytes.Length; at += SegmentSize)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(SegmentSize, bytes.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Gives every call the batch read path over <paramref name="body"/>, as the ASP.NET Core host would.</summary>
    public static IPointBatchReaderFactory BatchReadersOver(ReadOnlySequence<byte> body) => new BodyReaders(body);

    private static byte[] Frame(byte[] message)
    {
        var framed = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    /// <summary>The standard path's request stream: each message parsed into a new <see cref="Point"/>, as Grpc.AspNetCore does.</summary>
    public sealed class ParsingReader(ReadOnlySequence<byte> body) : IAsyncStreamReader<Point>
    {
        private static readonly Task<bool> True = Task.FromResult(true);
        private static readonly Task<bool> False = Task.FromResult(false);
        private ReadOnlySequence<byte> _rest = body;

        public Point Current { get; private set; } = null!;

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (_rest.IsEmpty)
            {
                return False;
            }

            Span<byte> header = stackalloc byte[5];
            _rest.Slice(0, 5).CopyTo(header);
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[1..]);
            Current = Point.Parser.ParseFrom(_rest.Slice(5, length));
            _rest = _rest.Slice(5 + length);
            return True;
        }
    }

    /// <summary>A request stream over points that are already parsed: every MoveNext completes at once.</summary>
    public sealed class ArrayReader(Point[] points) : IAsyncStreamReader<Point>
    {
        private static readonly Task<bool> True = Task.FromResult(true);
        private static readonly Task<bool> False = Task.FromResult(false);
        private int _next;

        public Point Current { get; private set; } = null!;

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (_next == points.Length)
            {
                return False;
            }

            Current = points[_next++];
            return True;
        }
    }

    /// <summary>A call context with no deadline and no cancellation.</summary>
    public sealed class NullCallContext : ServerCallContext
    {
        protected override string MethodCore => "/routeguide.RouteGuide/RecordRoute";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }

    private sealed class BodyReaders(ReadOnlySequence<byte> body) : IPointBatchReaderFactory
    {
        public IPointBatchReader? TryCreate(IAsyncStreamReader<Point> requestStream, ServerCallContext context) =>
            new RequestBodyPointReader(System.IO.Pipelines.PipeReader.Create(body), maxMessageSize: null, identityEncoding: false);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
