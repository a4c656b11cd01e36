using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Grpc.Core;
using Grpc.Net.Compression;

namespace RouteGuide.Core.AspNetCore;

/// <summary>
/// The <c>gzip</c> message encoding, with each received message checked before the service sees it:
/// corrupt or truncated data is <see cref="StatusCode.Internal"/> and a message that decompresses past
/// the receive limit is <see cref="StatusCode.ResourceExhausted"/>, both as gRPC statuses that name the
/// problem, never a handler exception.
/// </summary>
/// <remarks>
/// .NET's <see cref="GZipStream"/> ends quietly at the end of truncated input and does not check the
/// gzip trailer, so a cut-off message would be parsed from what arrived. Here the whole message must
/// decompress, be a single gzip member, and match its trailer's CRC-32 and length.
/// </remarks>
internal sealed class VerifiedGzipCompressionProvider(Func<int?> maxMessageSize) : ICompressionProvider
{
    private const int TrailerSize = 8;

    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var compressed = new MemoryStream();
        stream.CopyTo(compressed);
        return new MemoryStream(Decompress(compressed.GetBuffer().AsSpan(0, (int)compressed.Length), maxMessageSize() ?? int.MaxValue), writable: false);
    }

    /// <summary>Decompresses and verifies one message, failing with the gRPC status its problem deserves.</summary>
    internal static byte[] Decompress(ReadOnlySpan<byte> compressed, int limit)
    {
        if (compressed.IsEmpty)
        {
            // Grpc.Net.Client sends an empty message (a Point at 0, 0) as an empty payload flagged compressed.
            return [];
        }

        if (compressed.Length < TrailerSize)
        {
            throw NotValid("it is shorter than a gzip trailer");
        }

        var output = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed.ToArray(), writable: false), CompressionMode.Decompress);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (output.Length + read > limit)
                {
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size once decompressed."));
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw NotValid(e.Message.TrimEnd('.'));
        }

        var trailer = compressed[^TrailerSize..];
        var data = output.GetBuffer().AsSpan(0, (int)output.Length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer) != Crc32.HashToUInt32(data)
            || BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]) != (uint)data.Length)
        {
            throw NotValid("it is truncated or corrupt (its trailer does not match the data)");
        }

        return data.ToArray();
    }

    private static RpcException NotValid(string problem) =>
        new(new Status(StatusCode.Internal, $"The message is not valid gzip: {problem}."));
}
