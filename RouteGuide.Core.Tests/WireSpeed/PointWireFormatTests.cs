using Google.Protobuf;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.WireSpeed;

/// <summary>The span codec for <c>Point</c>, checked byte for byte against Google.Protobuf.</summary>
public class PointWireFormatTests
{
    private static readonly int[] Coordinates = [0, 1, -1, 127, 128, -128, 16_383, 16_384, 900_000_000, -900_000_000, 1_800_000_000, -1_800_000_000, int.MaxValue, int.MinValue];

    [Test]
    public void Every_encoded_point_is_the_bytes_Google_Protobuf_writes_behind_a_gRPC_header_and_decodes_back()
    {
        Span<byte> frame = stackalloc byte[PointWireFormat.MessageHeaderLength + PointWireFormat.MaxEncodedLength];
        foreach (var latitude in Coordinates)
        {
            foreach (var longitude in Coordinates)
            {
                var expected = new Point { Latitude = latitude, Longitude = longitude }.ToByteArray();
                var written = PointWireFormat.WriteMessage(frame, latitude, longitude);

                frame[..5].ToArray().Should().Equal(0, 0, 0, 0, (byte)expected.Length);
                frame[5..written].ToArray().Should().Equal(expected, $"({latitude}, {longitude})");
                PointWireFormat.EncodedLength(latitude, longitude).Should().Be(expected.Length);
                PointWireFormat.Decode(expected).Should().Be(new WirePoint(latitude, longitude));
            }
        }
    }

    [Test]
    public void Fields_in_any_order_repeated_with_the_last_value_winning_and_unknown_fields_of_every_wire_type_are_read_as_Google_Protobuf_reads_them()
    {
        byte[] message =
        [
            0x10, 0x05,                   // longitude = 5
            0x18, 0xAC, 0x02,             // field 3, varint (unknown)
            0x21, 1, 2, 3, 4, 5, 6, 7, 8, // field 4, fixed64
            0x2A, 0x02, 0xFF, 0xFF,       // field 5, length-delimited
            0x33, 0x08, 0x01, 0x34,       // field 6, a group holding a varint
            0x3D, 1, 2, 3, 4,             // field 7, fixed32
            0x08, 0x07,                   // latitude = 7
            0x0A, 0x01, 0x09,             // field 1 as length-delimited: unknown
            0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, // latitude = -1, ten bytes
            0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, // field 536870911, varint
        ];

        var parsed = Point.Parser.ParseFrom(message);
        PointWireFormat.TryDecode(message, out var latitude, out var longitude).Should().BeTrue();
        (latitude, longitude).Should().Be((parsed.Latitude, parsed.Longitude)).And.Be((-1, 5));
    }

    [TestCase(new byte[] { 0x08 }, TestName = "A tag with its value missing")]
    [TestCase(new byte[] { 0x08, 0x80 }, TestName = "A varint cut off")]
    [TestCase(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, TestName = "A varint of eleven bytes")]
    [TestCase(new byte[] { 0x00, 0x01 }, TestName = "Tag zero")]
    [TestCase(new byte[] { 0x2A, 0x05, 0x01 }, TestName = "A length-delimited field cut off")]
    [TestCase(new byte[] { 0x21, 0x01, 0x02 }, TestName = "A fixed64 cut off")]
    [TestCase(new byte[] { 0x3D, 0x01 }, TestName = "A fixed32 cut off")]
    [TestCase(new byte[] { 0x33, 0x08, 0x01 }, TestName = "A group never ended")]
    [TestCase(new byte[] { 0x33, 0x3C }, TestName = "A group ended by another field's end tag")]
    [TestCase(new byte[] { 0x34 }, TestName = "An end-group tag outside a group")]
    [TestCase(new byte[] { 0x1E, 0x00 }, TestName = "Wire type 6")]
    [TestCase(new byte[] { 0x1F, 0x00 }, TestName = "Wire type 7")]
    [TestCase(new byte[] { 0x2A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, TestName = "A negative length")]
    public void A_message_Google_Protobuf_refuses_is_refused_and_Decode_throws_Google_Protobufs_own_exception(byte[] message)
    {
        var parse = () => Point.Parser.ParseFrom(message);
        var expected = parse.Should().Throw<InvalidProtocolBufferException>().Which;

        PointWireFormat.TryDecode(message, out _, out _).Should().BeFalse();
        var decode = () => PointWireFormat.Decode(message);
        decode.Should().Throw<InvalidProtocolBufferException>().WithMessage(expected.Message);
    }

    [Test]
    public void On_a_hundred_thousand_random_and_mutated_messages_neither_decoder_accepts_what_Google_Protobuf_refuses_or_differs_from_it()
    {
        var random = new Random(20261130);
        var accepted = 0;
        var taken = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var message = RandomMessage(random);
            Point? parsed;
            try
            {
                parsed = Point.Parser.ParseFrom(message);
            }
            catch (InvalidProtocolBufferException)
            {
                parsed = null;
            }

            if (PointWireFormat.TryDecode(message, out var latitude, out var longitude))
            {
                accepted++;
                parsed.Should().NotBeNull($"Google.Protobuf refuses {Convert.ToHexString(message)}");
                (latitude, longitude).Should().Be((parsed!.Latitude, parsed.Longitude), Convert.ToHexString(message));
            }

            // The framed decoder, with random bytes after the message, takes only what Google.Protobuf reads the same way.
            var tail = new byte[PointWireFormat.FramedReadLength];
            random.NextBytes(tail);
            if (PointWireFormat.TryDecodeFramed(Framed(message, tail), out var length, out var framedLatitude, out var framedLongitude))
            {
                taken++;
                parsed.Should().NotBeNull($"the framed decoder took {Convert.ToHexString(message)}");
                (length, framedLatitude, framedLongitude).Should().Be((message.Length, parsed!.Latitude, parsed.Longitude), Convert.ToHexString(message));
            }

            // Whatever the fast decoders say, Decode gives Google.Protobuf's answer.
            if (parsed is null)
            {
                var decode = () => PointWireFormat.Decode(message);
                decode.Should().Throw<InvalidProtocolBufferException>();
            }
            else
            {
                PointWireFormat.Decode(message).Should().Be(new WirePoint(parsed.Latitude, parsed.Longitude));
            }
        }

        accepted.Should().BeGreaterThan(10_000, "the generator makes plenty of valid messages too");
        taken.Should().BeGreaterThan(5_000, "and plenty in the usual layout");
    }

    [Test]
    public void The_framed_decoder_takes_every_point_as_Google_Protobuf_writes_it_whatever_bytes_follow()
    {
        var random = new Random(7);
        foreach (var latitude in Coordinates)
        {
            foreach (var longitude in Coordinates)
            {
                var message = new Point { Latitude = latitude, Longitude = longitude }.ToByteArray();
                foreach (var follower in new byte[] { 0x00, 0x7F, 0x80, 0xFF })
                {
                    // Followed by bytes that would extend a varint (0x80, 0xFF) or end one (0x00, 0x7F) if read as part of the message.
                    var buffer = Framed(message, Enumerable.Repeat(follower, PointWireFormat.FramedReadLength).ToArray());
                    PointWireFormat.TryDecodeFramed(buffer, out var length, out var decodedLatitude, out var decodedLongitude)
                        .Should().BeTrue($"({latitude}, {longitude}) followed by 0x{follower:X2}");
                    (length, decodedLatitude, decodedLongitude).Should().Be((message.Length, latitude, longitude));
                }

                var randomTail = new byte[PointWireFormat.FramedReadLength];
                random.NextBytes(randomTail);
                PointWireFormat.TryDecodeFramed(Framed(message, randomTail), out _, out var lat, out var lon).Should().BeTrue();
                (lat, lon).Should().Be((latitude, longitude));
            }
        }
    }

    [TestCase(1, 4u, TestName = "A compressed flag")]
    [TestCase(2, 4u, TestName = "A compressed flag other than 0 or 1")]
    [TestCase(0, 23u, TestName = "A message longer than any usual Point")]
    [TestCase(0, 0x104u, TestName = "A length of over 255 bytes")]
    [TestCase(0, 0x8000_0004u, TestName = "A length of over 2 GiB")]
    public void The_framed_decoder_leaves_unusual_headers_to_the_full_checks(int flag, uint length)
    {
        var buffer = new byte[64];
        buffer[0] = (byte)flag;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), length);
        new byte[] { 0x08, 0x01, 0x10, 0x02 }.CopyTo(buffer, 5);

        PointWireFormat.TryDecodeFramed(buffer, out _, out _, out _).Should().BeFalse();
    }

    [Test]
    public void The_framed_decoder_leaves_a_buffer_too_short_to_read_a_word_at_a_time_and_a_varint_cut_off_by_its_message_to_the_full_checks()
    {
        var message = new Point { Latitude = -1, Longitude = -1 }.ToByteArray();
        var tooShort = Framed(message, new byte[PointWireFormat.FramedReadLength])[..(PointWireFormat.FramedReadLength - 1)];
        PointWireFormat.TryDecodeFramed(tooShort, out _, out _, out _).Should().BeFalse();
        PointWireFormat.TryDecodeFramed(Framed(message, new byte[PointWireFormat.FramedReadLength]), out _, out _, out _).Should().BeTrue();

        // The header says 3 bytes; the latitude's varint goes on into the bytes after them.
        var cut = Framed(message, new byte[PointWireFormat.FramedReadLength]);
        cut[4] = 3;
        PointWireFormat.TryDecodeFramed(cut, out _, out _, out _).Should().BeFalse();

        // A varint of eleven or more bytes is malformed, whatever the message's length says.
        for (var extra = 1; extra <= 11; extra++)
        {
            byte[] overlong = [0x08, .. Enumerable.Repeat((byte)0xFF, 9 + extra), 0x01];
            PointWireFormat.TryDecodeFramed(Framed(overlong, new byte[PointWireFormat.FramedReadLength]), out _, out _, out _)
                .Should().BeFalse($"a varint of {10 + extra} bytes");
        }

        // Nor is an eleven-byte varint read as ten followed by a longitude.
        byte[] elevenThenLongitude = [0x08, .. Enumerable.Repeat((byte)0xFF, 10), 0x10, 0x01];
        PointWireFormat.TryDecodeFramed(Framed(elevenThenLongitude, new byte[PointWireFormat.FramedReadLength]), out _, out _, out _).Should().BeFalse();

        // A declared length over 22 is never taken, even when it would line up with where a malformed
        // varint leaves off: the decoder would otherwise read past the 37 bytes it checked.
        byte[] farLongitude = [0x08, .. Enumerable.Repeat((byte)0xFF, 10), 0x01, .. new byte[20], 0x10, 0x01];
        PointWireFormat.TryDecodeFramed(Framed(farLongitude, new byte[PointWireFormat.FramedReadLength]), out _, out _, out _).Should().BeFalse();
    }

    [Test]
    public void Unknown_groups_nested_deeper_than_the_decoder_goes_are_left_to_Google_Protobuf()
    {
        foreach (var depth in new[] { 1, 31, 32, 33, 99, 100, 101 })
        {
            var message = new List<byte> { 0x08, 0x03 };
            message.AddRange(Enumerable.Repeat((byte)0x33, depth));
            message.AddRange(Enumerable.Repeat((byte)0x34, depth));
            byte[] bytes = [.. message];

            Point? parsed;
            try
            {
                parsed = Point.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                parsed = null;
            }

            if (PointWireFormat.TryDecode(bytes, out var latitude, out _))
            {
                parsed.Should().NotBeNull($"depth {depth}");
                latitude.Should().Be(3);
            }

            if (parsed is not null)
            {
                PointWireFormat.Decode(bytes).Latitude.Should().Be(3, $"depth {depth}");
            }
        }
    }

    /// <summary>The message behind an uncompressed gRPC header, then <paramref name="tail"/>.</summary>
    private static byte[] Framed(byte[] message, byte[] tail)
    {
        var frame = new byte[PointWireFormat.MessageHeaderLength + message.Length + tail.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, PointWireFormat.MessageHeaderLength);
        tail.CopyTo(frame, PointWireFormat.MessageHeaderLength + message.Length);
        return frame;
    }

    /// <summary>A valid Point with extra fields of every kind, then perhaps a few bytes changed, cut or added.</summary>
    private static byte[] RandomMessage(Random random)
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        var fields = random.Next(0, 6);
        for (var f = 0; f < fields; f++)
        {
            WriteRandomField(coded, random, depth: 0);
        }

        coded.Flush();
        var bytes = output.ToArray().ToList();
        switch (random.Next(4))
        {
            case 0:
                break;
            case 1 when bytes.Count > 0:
                bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 2 when bytes.Count > 0:
                bytes.RemoveRange(random.Next(bytes.Count), 1);
                break;
            default:
                bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                break;
        }

        return [.. bytes];
    }

    private static void WriteRandomField(CodedOutputStream coded, Random random, int depth)
    {
        var field = random.Next(5) switch
        {
            0 => 1,
            1 => 2,
            2 => random.Next(3, 20),
            3 => random.Next(1, 3),
            _ => random.Next(1, 536_870_912),
        };
        var value = random.Next(3) == 0 ? (long)random.Next(int.MinValue, int.MaxValue) : random.NextInt64(long.MinValue, long.MaxValue);
        switch (random.Next(field <= 2 ? 8 : 6))
        {
            case 0:
                coded.WriteTag(field, WireFormat.WireType.Fixed64);
                coded.WriteFixed64((ulong)value);
                break;
            case 1:
                coded.WriteTag(field, WireFormat.WireType.Fixed32);
                coded.WriteFixed32((uint)value);
                break;
            case 2:
                coded.WriteTag(field, WireFormat.WireType.LengthDelimited);
                coded.WriteBytes(ByteString.CopyFrom(Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)random.Next(256)).ToArray()));
                break;
            case 3 when depth < 3:
                coded.WriteTag(field, WireFormat.WireType.StartGroup);
                for (var i = random.Next(0, 3); i > 0; i--)
                {
                    WriteRandomField(coded, random, depth + 1);
                }

                coded.WriteTag(field, WireFormat.WireType.EndGroup);
                break;
            case 4:
                coded.WriteTag(field, WireFormat.WireType.Varint);
                coded.WriteInt64(value);
                break;
            default:
                coded.WriteTag(field, WireFormat.WireType.Varint);
                coded.WriteInt32((int)value);
                break;
        }
    }
}
