using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// Reads and writes a <see cref="Point"/> message (<c>int32 latitude = 1; int32 longitude = 2;</c>)
/// straight from and into spans, with no allocation, bit for bit as Google.Protobuf does.
/// </summary>
/// <remarks>
/// <para>
/// Decoding follows protobuf's rules as Google.Protobuf applies them: fields in any order, the last
/// value of a field wins, an int32 is the low 32 bits of a varint of up to ten bytes (negative values
/// take ten), a field with another wire type than its declared one is an unknown field, and unknown
/// fields of every wire type (varint, fixed64, length-delimited, group, fixed32) are skipped. A
/// message that breaks the rules (a truncated field, a varint over ten bytes, tag zero, wire type 6 or
/// 7, an unmatched group) is refused; the caller then lets Google.Protobuf parse that one message, so
/// an invalid message fails with exactly the exception the standard reader gives.
/// </para>
/// </remarks>
internal static class PointWireFormat
{
    /// <summary>The longest a Point can be with both fields set: two one-byte tags and two ten-byte varints.</summary>
    public const int MaxEncodedLength = 22;

    /// <summary>The length of a gRPC message header: the compressed flag and a 4-byte big-endian length.</summary>
    public const int MessageHeaderLength = 5;

    /// <summary>
    /// How many bytes, from the start of a message's header, <see cref="TryDecodeFramed"/> needs in its
    /// buffer: it reads whole words, so it may look past the message's end (never past this).
    /// </summary>
    public const int FramedReadLength = MessageHeaderLength + 32;

    /// <summary>
    /// The deepest nesting of unknown groups decoded here, well inside Google.Protobuf's recursion limit
    /// (100); a deeper message is left to Google.Protobuf, which decides.
    /// </summary>
    private const int MaxGroupDepth = 32;

    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireStartGroup = 3;
    private const int WireEndGroup = 4;
    private const int WireFixed32 = 5;

    private const uint LatitudeTag = (1 << 3) | WireVarint;
    private const uint LongitudeTag = (2 << 3) | WireVarint;

    /// <summary>
    /// Decodes one Point message; one this decoder refuses goes to Google.Protobuf, which either
    /// parses it or throws its own <see cref="Google.Protobuf.InvalidProtocolBufferException"/>.
    /// </summary>
    public static WirePoint Decode(ReadOnlySpan<byte> message)
    {
        if (TryDecode(message, out var latitude, out var longitude))
        {
            return new WirePoint(latitude, longitude);
        }

        var parsed = Point.Parser.ParseFrom(message);
        return new WirePoint(parsed.Latitude, parsed.Longitude);
    }

    /// <summary>
    /// Decodes one uncompressed gRPC message holding a Point written as Google.Protobuf and every other
    /// protobuf library write it: latitude (if not zero), then longitude (if not zero), each an ordinary
    /// varint, nothing else. Each varint is read a word at a time, without a branch on its length, which
    /// is what makes this faster than <see cref="TryDecode"/> on routes whose coordinates change sign.
    /// </summary>
    /// <param name="buffer">
    /// The message's header and bytes, then whatever follows them: at least <see cref="FramedReadLength"/>
    /// bytes in all (bytes past the message are read but never decide the result).
    /// </param>
    /// <param name="length">The message's length (without header), when the result is <see langword="true"/>.</param>
    /// <param name="latitude">The latitude, when the result is <see langword="true"/>.</param>
    /// <param name="longitude">The longitude, when the result is <see langword="true"/>.</param>
    /// <returns>
    /// <see langword="false"/> for anything else (a compressed flag, a message longer than
    /// <see cref="MaxEncodedLength"/>; fields reordered, repeated or unknown; a varint of more than ten
    /// bytes or cut off by the message's end): the caller then checks the header and uses
    /// <see cref="Decode"/>, which apply the full rules. A varint of up to ten bytes is taken whatever its
    /// form (a zero written out, or padded with continuation bytes), as Google.Protobuf takes it.
    /// </returns>
    public static bool TryDecodeFramed(ReadOnlySpan<byte> buffer, out int length, out int latitude, out int longitude)
    {
        length = 0;
        latitude = 0;
        longitude = 0;
        if (buffer.Length < FramedReadLength)
        {
            return false;
        }

        // Every read below stays inside the FramedReadLength bytes just checked: the header's five, and
        // of the message's at most 32 (a varint starts at byte 22 at the latest and is read ten bytes
        // wide), so they skip the bounds checks that would otherwise cost as much as the decoding.
        ref var header = ref MemoryMarshal.GetReference(buffer);

        // Compressed flag 0 and a big-endian length below 256 leave the header's first four bytes zero.
        if (Unsafe.ReadUnaligned<uint>(ref header) != 0 || (length = Unsafe.Add(ref header, 4)) > MaxEncodedLength)
        {
            return false;
        }

        ref var message = ref Unsafe.Add(ref header, MessageHeaderLength);
        var position = 0;
        if (length > 0 && message == LatitudeTag)
        {
            latitude = ReadInt32Varint(ref message, ref position);
        }

        if (position < length && Unsafe.Add(ref message, position) == LongitudeTag)
        {
            longitude = ReadInt32Varint(ref message, ref position);
        }

        // A varint that ran past the message's end, or anything left over, is not this layout.
        return position == length;
    }

    /// <summary>Decodes one Point message.</summary>
    /// <returns><see langword="false"/> when the bytes are not a Point this decoder accepts.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> message, out int latitude, out int longitude)
    {
        latitude = 0;
        longitude = 0;

        var position = 0;
        while (position < message.Length)
        {
            if (!TryReadVarint(message, ref position, out var tag) || (tag >> 3) == 0 || tag > uint.MaxValue)
            {
                return false;
            }

            switch ((uint)tag)
            {
                case LatitudeTag:
                    if (!TryReadVarint(message, ref position, out var lat))
                    {
                        return false;
                    }

                    latitude = unchecked((int)lat);
                    break;
                case LongitudeTag:
                    if (!TryReadVarint(message, ref position, out var lon))
                    {
                        return false;
                    }

                    longitude = unchecked((int)lon);
                    break;
                default:
                    if (!TrySkipField(message, ref position, (uint)tag, depth: 0))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes one Point as a whole gRPC message (uncompressed header, then the fields Google.Protobuf
    /// would write: none for a zero value) into <paramref name="destination"/>, which must have room for
    /// <see cref="MessageHeaderLength"/> + <see cref="MaxEncodedLength"/> bytes.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static int WriteMessage(Span<byte> destination, int latitude, int longitude)
    {
        var position = MessageHeaderLength;
        if (latitude != 0)
        {
            destination[position++] = (byte)LatitudeTag;
            position += WriteVarint(destination[position..], latitude);
        }

        if (longitude != 0)
        {
            destination[position++] = (byte)LongitudeTag;
            position += WriteVarint(destination[position..], longitude);
        }

        var length = position - MessageHeaderLength;
        destination[0] = 0;
        destination[1] = 0;
        destination[2] = 0;
        destination[3] = 0;
        destination[4] = (byte)length;
        return position;
    }

    /// <summary>The length of the Point message (without header) that <see cref="WriteMessage"/> writes.</summary>
    public static int EncodedLength(int latitude, int longitude) =>
        (latitude == 0 ? 0 : 1 + VarintLength(latitude)) + (longitude == 0 ? 0 : 1 + VarintLength(longitude));

    private static int VarintLength(int value)
    {
        if (value < 0)
        {
            return 10;
        }

        var length = 1;
        for (var rest = (uint)value >> 7; rest != 0; rest >>= 7)
        {
            length++;
        }

        return length;
    }

    private static int WriteVarint(Span<byte> destination, int value)
    {
        // An int32 is written as a 64-bit varint, so a negative value takes ten bytes.
        var rest = unchecked((ulong)(long)value);
        var written = 0;
        while (rest >= 0x80)
        {
            destination[written++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        destination[written++] = (byte)rest;
        return written;
    }

    /// <summary>
    /// Skips the one-byte tag at <paramref name="position"/> and reads the varint after it as an int32 (its
    /// low 32 bits, as Google.Protobuf reads an int32 field), leaving <paramref name="position"/> after it.
    /// Reads the ten bytes after the tag whatever the varint's length; one longer than ten bytes leaves
    /// <paramref name="position"/> past any message's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadInt32Varint(ref byte message, ref int position)
    {
        ref var start = ref Unsafe.Add(ref message, position + 1);
        var word = Unsafe.ReadUnaligned<ulong>(ref start);
        var tail = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, 8));
        if (!BitConverter.IsLittleEndian)
        {
            word = BinaryPrimitives.ReverseEndianness(word);
            tail = BinaryPrimitives.ReverseEndianness(tail);
        }

        // A byte below 0x80 ends a varint; the lowest such bit gives the length. Its first eight bytes
        // are in word; if none ends there, its ninth or tenth byte must, or it is malformed: then its
        // length counts as 31, past the end of any message this decoder takes.
        var ends = BitOperations.TrailingZeroCount(~word & 0x8080_8080_8080_8080UL);
        var tailEnds = BitOperations.TrailingZeroCount((~(uint)tail & 0x8080u) | 0x1_0000u);
        var beyondWord = (tailEnds >> 3) + ((tailEnds >> 4) * 20);
        position += 1 + (ends >> 3) + 1 + ((ends >> 6) * beyondWord);

        // Only the varint's own bytes count, and of those only the low 32 bits of the value, which the
        // first five bytes carry, seven bits each (a ten-byte varint ends in bytes of ones or zeros that
        // Google.Protobuf drops too).
        // (ends >> 6 is 1 only when no byte of word ends the varint: then all of word is its own. No
        // Math.Min: the JIT may make it a branch, and the sign of a coordinate is not predictable.)
        var own = word & (ulong.MaxValue >> (63 - ends + (ends >> 6)));
        own = (own & 0x007F_007F_007F_007FUL) | ((own >> 1) & 0x3F80_3F80_3F80_3F80UL);
        own = (own & 0x0000_3FFF_0000_3FFFUL) | ((own >> 2) & 0x0FFF_C000_0FFF_C000UL);
        return unchecked((int)(uint)((own & 0x0FFF_FFFFUL) | ((own >> 4) & 0x00FF_FFFF_F000_0000UL)));
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if ((uint)position >= (uint)source.Length)
            {
                return false;
            }

            var b = source[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false; // More than ten bytes: malformed.
    }

    private static bool TrySkipField(ReadOnlySpan<byte> source, ref int position, uint tag, int depth)
    {
        switch ((int)(tag & 7))
        {
            case WireVarint:
                return TryReadVarint(source, ref position, out _);
            case WireFixed64:
                return TrySkipBytes(source, ref position, 8);
            case WireFixed32:
                return TrySkipBytes(source, ref position, 4);
            case WireLengthDelimited:
                // Google.Protobuf reads a length as a 32-bit varint and refuses a negative one.
                return TryReadVarint(source, ref position, out var length)
                    && unchecked((int)length) >= 0
                    && TrySkipBytes(source, ref position, unchecked((int)length));
            case WireStartGroup:
                return TrySkipGroup(source, ref position, tag >> 3, depth + 1);
            default:
                // An end-group tag outside a group, or wire type 6 or 7.
                return false;
        }
    }

    private static bool TrySkipGroup(ReadOnlySpan<byte> source, ref int position, uint fieldNumber, int depth)
    {
        if (depth > MaxGroupDepth)
        {
            return false;
        }

        while (TryReadVarint(source, ref position, out var tag) && (tag >> 3) != 0 && tag <= uint.MaxValue)
        {
            if ((tag & 7) == WireEndGroup)
            {
                return (tag >> 3) == fieldNumber;
            }

            if (!TrySkipField(source, ref position, (uint)tag, depth))
            {
                return false;
            }
        }

        return false;
    }

    private static bool TrySkipBytes(ReadOnlySpan<byte> source, ref int position, int count)
    {
        if (source.Length - position < count)
        {
            return false;
        }

        position += count;
        return true;
    }
}
