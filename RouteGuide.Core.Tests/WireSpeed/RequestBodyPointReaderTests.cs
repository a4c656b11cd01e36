using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Grpc.Core;
using RouteGuide.Core.AspNetCore.Internal;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Tests.Reliability;

namespace RouteGuide.Core.Tests.WireSpeed;

/// <summary>The batch read path on its own, over request bodies cut every possible way.</summary>
public class RequestBodyPointReaderTests
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Points_written_one_byte_at_a_time_all_arrive_in_order()
    {
        var points = Points(500);
        var body = points.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).ToArray();
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            foreach (var b in body)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });

        var read = await ReadAllAsync(new RequestBodyPointReader(pipe.Reader, 4 * 1024 * 1024, identityEncoding: false));
        await writing;

        read.Should().Equal(points.Select(p => new WirePoint(p.Latitude, p.Longitude)));
    }

    [Test]
    public async Task Messages_split_across_buffer_segments_at_every_byte_are_read_whole_including_a_large_one()
    {
        var points = Points(50).ToList();
        var large = new Point { Latitude = 11, Longitude = -22 };
        var padding = new byte[300]; // an unknown field bigger than the stack copy of a split message
        var largeBytes = large.ToByteArray().Concat(new byte[] { 0x7A, 0xAC, 0x02 }).Concat(padding).ToArray();
        var body = points.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).Concat(RawGrpc.Frame(largeBytes)).ToArray();

        var read = await ReadAllAsync(new RequestBodyPointReader(PipeReader.Create(OneSegmentPerByte(body)), null, identityEncoding: false));

        read.Should().Equal(points.Select(p => new WirePoint(p.Latitude, p.Longitude)).Append(new WirePoint(11, -22)));
    }

    [Test]
    public async Task A_buffer_of_many_messages_is_handed_out_in_full_batches_that_start_small_and_double_up_to_the_capacity()
    {
        var points = Points(8_195);
        var body = points.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).ToArray();
        var reader = new RequestBodyPointReader(PipeReader.Create(new ReadOnlySequence<byte>(body)), null, identityEncoding: false);

        var sizes = new List<int>();
        var read = new List<WirePoint>();
        for (var batch = await reader.ReadBatchAsync(CancellationToken.None); !batch.IsEmpty; batch = await reader.ReadBatchAsync(CancellationToken.None))
        {
            sizes.Add(batch.Length);
            read.AddRange(batch.ToArray());
        }

        // 64 + 128 + ... + 2,048 = 4,032 points, then 4,096 (the capacity), then the last 67.
        (RequestBodyPointReader.FirstBatchCapacity, RequestBodyPointReader.BatchCapacity).Should().Be((64, 4_096));
        sizes.Should().Equal(64, 128, 256, 512, 1_024, 2_048, 4_096, 67);
        read.Should().Equal(points.Select(p => new WirePoint(p.Latitude, p.Longitude)));
    }

    public static IEnumerable<TestCaseData> Failures() => FailureCases().Select(c => Case(c.What, c.Bad, c.ExceptionType, c.Status));

    /// <summary>The failures of <see cref="Failures"/> that do not depend on being the body's last bytes.</summary>
    public static IEnumerable<TestCaseData> FailuresAmidPoints() =>
        FailureCases().Where(c => !c.What.EndsWith("at the end", StringComparison.Ordinal)).Select(c => Case(c.What, c.Bad, c.ExceptionType, c.Status));

    private static IEnumerable<(string What, byte[] Bad, Type ExceptionType, Status? Status)> FailureCases()
    {
        var valid = new Point { Latitude = 1, Longitude = 2 }.ToByteArray();
        yield return ("a compressed flag of 2", RawGrpc.Header(2).Select((b, i) => i == 0 ? (byte)2 : b).Concat(valid).ToArray(), typeof(InvalidDataException), null);
        yield return ("a length over the limit", RawGrpc.Header(101), typeof(RpcException), new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));
        yield return ("a length over 2 GiB", RawGrpc.Header(uint.MaxValue), typeof(InvalidDataException), null);
        yield return ("a partial message at the end", [.. RawGrpc.Header(10), 8, 1], typeof(RpcException), new Status(StatusCode.Internal, "Incomplete message."));
        yield return ("a partial header at the end", [0, 0, 0], typeof(RpcException), new Status(StatusCode.Internal, "Incomplete message."));
        yield return ("a compressed message without grpc-encoding", RawGrpc.Frame(valid, compressed: true), typeof(RpcException), new Status(StatusCode.Internal, "Request did not include grpc-encoding value with compressed message."));
        yield return ("a message that is not a Point", RawGrpc.Frame([0xFF, 0xFF]), typeof(InvalidProtocolBufferException), null);
    }

    [TestCaseSource(nameof(Failures))]
    public async Task A_failure_comes_after_every_point_before_it_with_the_standard_readers_exception(byte[] bad, Type exceptionType, Status? status)
    {
        var good = Points(3);
        var body = good.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).Concat(bad).ToArray();

        await ExpectFailureAfterAsync(new ReadOnlySequence<byte>(body), good, exceptionType, status);
        await ExpectFailureAfterAsync(OneSegmentPerByte(body), good, exceptionType, status);
    }

    [TestCaseSource(nameof(FailuresAmidPoints))]
    public async Task A_failure_followed_by_more_points_stops_the_batch_at_the_failure(byte[] bad, Type exceptionType, Status? status)
    {
        // Points before and after, in one buffer: the failure is met by the word-at-a-time decoder first.
        var good = Points(40);
        var after = Points(40).Select(p => new Point { Latitude = p.Longitude / 2, Longitude = p.Latitude });
        var body = good.SelectMany(p => RawGrpc.Frame(p.ToByteArray())).Concat(bad).Concat(after.SelectMany(p => RawGrpc.Frame(p.ToByteArray()))).ToArray();

        await ExpectFailureAfterAsync(new ReadOnlySequence<byte>(body), good, exceptionType, status);
    }

    [Test]
    public async Task A_receive_limit_below_the_size_of_a_usual_point_is_still_enforced()
    {
        var small = new Point { Latitude = 1, Longitude = 2 };     // 4 bytes
        var large = new Point { Latitude = -1, Longitude = -1 };   // 22 bytes
        var body = Enumerable.Repeat(small, 10).Append(large).Concat(Enumerable.Repeat(small, 10)).SelectMany(p => RawGrpc.Frame(p.ToByteArray())).ToArray();
        var reader = new RequestBodyPointReader(PipeReader.Create(new ReadOnlySequence<byte>(body)), 21, identityEncoding: false);

        var first = await reader.ReadBatchAsync(CancellationToken.None);
        first.ToArray().Should().Equal(Enumerable.Repeat(new WirePoint(1, 2), 10));
        var failure = await FluentActions.Awaiting(() => reader.ReadBatchAsync(CancellationToken.None).AsTask()).Should().ThrowAsync<RpcException>();
        failure.Which.StatusCode.Should().Be(StatusCode.ResourceExhausted);
    }

    [Test]
    public async Task A_body_mixing_usual_and_unusual_messages_reads_as_Google_Protobuf_parses_each_however_it_is_cut()
    {
        // Usual messages, and the same points with fields reordered, repeated, padded or unknown fields added.
        var random = new Random(31);
        var points = Points(2_000);
        var messages = points.Select(p => random.Next(4) switch
        {
            0 => [0x10, .. Varint(p.Longitude), 0x08, .. Varint(p.Latitude)],
            1 => [0x08, .. Varint(~p.Latitude), .. p.ToByteArray()],
            2 => [.. p.ToByteArray(), 0x1A, 0x03, 0x01, 0x02, 0x03],
            _ => p.ToByteArray(),
        }).ToArray();
        for (var i = 0; i < messages.Length; i++)
        {
            var parsed = Point.Parser.ParseFrom(messages[i]);
            (parsed.Latitude, parsed.Longitude).Should().Be((points[i].Latitude, points[i].Longitude), "message {0} is {1}", i, Convert.ToHexString(messages[i]));
        }

        var body = messages.SelectMany(m => RawGrpc.Frame(m)).ToArray();
        var expected = points.Select(p => new WirePoint(p.Latitude, p.Longitude));

        (await ReadAllAsync(new RequestBodyPointReader(PipeReader.Create(new ReadOnlySequence<byte>(body)), null, identityEncoding: false)))
            .Should().Equal(expected, "in one segment");
        (await ReadAllAsync(new RequestBodyPointReader(PipeReader.Create(InSegmentsOf(body, 61)), null, identityEncoding: false)))
            .Should().Equal(expected, "in segments of 61 bytes");
    }

    [Test]
    public async Task A_compressed_message_with_identity_encoding_is_Internal()
    {
        var body = RawGrpc.Frame(new Point { Latitude = 1 }.ToByteArray(), compressed: true);
        var reader = new RequestBodyPointReader(PipeReader.Create(new ReadOnlySequence<byte>(body)), null, identityEncoding: true);

        var failure = await FluentActions.Awaiting(() => reader.ReadBatchAsync(CancellationToken.None).AsTask()).Should().ThrowAsync<RpcException>();

        failure.Which.Status.Should().Be(new Status(StatusCode.Internal, "Request sent 'identity' grpc-encoding value with compressed message."));
    }

    [Test]
    public async Task An_empty_body_is_an_empty_route_and_a_cancelled_wait_ends_promptly()
    {
        var empty = new RequestBodyPointReader(PipeReader.Create(ReadOnlySequence<byte>.Empty), null, identityEncoding: false);
        (await empty.ReadBatchAsync(CancellationToken.None)).IsEmpty.Should().BeTrue();

        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawGrpc.Header(12)); // a message that never finishes
        var waiting = new RequestBodyPointReader(pipe.Reader, null, identityEncoding: false);
        using var cancellation = new CancellationTokenSource();
        var read = waiting.ReadBatchAsync(cancellation.Token).AsTask();
        await Task.Delay(20);
        read.IsCompleted.Should().BeFalse("half a message is not a batch");

        await cancellation.CancelAsync();
        await FluentActions.Awaiting(() => read.WaitAsync(SafetyTimeout)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task A_body_the_host_fails_is_reported_as_the_client_ending_the_call_and_a_bad_request_is_not()
    {
        // Kestrel completes the request body with an IOException when the client resets the stream.
        var reset = new Pipe();
        await reset.Writer.CompleteAsync(new IOException("The client reset the request stream."));
        var badRequest = new Pipe();
        await badRequest.Writer.CompleteAsync(new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large."));

        var resetRead = () => new RequestBodyPointReader(reset.Reader, null, identityEncoding: false).ReadBatchAsync(CancellationToken.None).AsTask();
        var badRead = () => new RequestBodyPointReader(badRequest.Reader, null, identityEncoding: false).ReadBatchAsync(CancellationToken.None).AsTask();

        (await resetRead.Should().ThrowAsync<RequestStreamAbortedException>()).WithInnerException<IOException>();
        await badRead.Should().ThrowAsync<Microsoft.AspNetCore.Http.BadHttpRequestException>();
    }

    private static Point[] Points(int count)
    {
        var random = new Random(count);
        return Enumerable.Range(0, count)
            .Select(_ => new Point { Latitude = random.Next(-900_000_000, 900_000_001), Longitude = random.Next(-1_800_000_000, 1_800_000_001) })
            .ToArray();
    }

    private static async Task<List<WirePoint>> ReadAllAsync(RequestBodyPointReader reader)
    {
        using var safety = new CancellationTokenSource(SafetyTimeout);
        var read = new List<WirePoint>();
        for (var batch = await reader.ReadBatchAsync(safety.Token); !batch.IsEmpty; batch = await reader.ReadBatchAsync(safety.Token))
        {
            read.AddRange(batch.ToArray());
        }

        return read;
    }

    /// <summary>Reads <paramref name="body"/> (receive limit 100 bytes) and expects exactly <paramref name="good"/>, then the failure.</summary>
    private static async Task ExpectFailureAfterAsync(ReadOnlySequence<byte> body, Point[] good, Type exceptionType, Status? status)
    {
        var reader = new RequestBodyPointReader(PipeReader.Create(body), 100, identityEncoding: false);
        var read = new List<WirePoint>();
        var failure = await FluentActions.Awaiting(async () =>
        {
            for (var batch = await reader.ReadBatchAsync(CancellationToken.None); !batch.IsEmpty; batch = await reader.ReadBatchAsync(CancellationToken.None))
            {
                read.AddRange(batch.ToArray());
            }
        }).Should().ThrowAsync<Exception>();

        read.Should().Equal(good.Select(p => new WirePoint(p.Latitude, p.Longitude)), "every point before the failure is handed out first, and none after it");
        failure.Which.Should().BeOfType(exceptionType);
        if (status is { } expected)
        {
            ((RpcException)failure.Which).Status.Should().Be(expected);
        }
    }

    private static TestCaseData Case(string what, byte[] bad, Type exceptionType, Status? status) =>
        new TestCaseData(bad, exceptionType, status).SetArgDisplayNames(what);

    /// <summary>An int32 as protobuf writes it: a varint of its 64-bit sign extension.</summary>
    private static byte[] Varint(int value)
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteInt32(value);
        coded.Flush();
        return output.ToArray();
    }

    /// <summary>The bytes as a sequence of segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    private static ReadOnlySequence<byte> InSegmentsOf(byte[] bytes, int size)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (var at = size; at < bytes.Length; at += size)
        {
            last = last.Append(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>The bytes as a sequence of one-byte segments: every message straddles segments.</summary>
    private static ReadOnlySequence<byte> OneSegmentPerByte(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
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
