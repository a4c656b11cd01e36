using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RouteGuide.Core.Tests.Endpoint;

/// <summary>One HTTP/2 frame as it arrived.</summary>
internal sealed record Http2Frame(byte Type, byte Flags, int StreamId, byte[] Payload)
{
    public const byte Headers = 0x1;
    public const byte ResetStream = 0x3;
    public const byte Settings = 0x4;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;

    public const byte AckFlag = 0x1;

    /// <summary>The error code of a RST_STREAM or GOAWAY frame.</summary>
    public uint ErrorCode => Type == ResetStream
        ? BinaryPrimitives.ReadUInt32BigEndian(Payload)
        : BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4));

    /// <summary>The value of a setting in a SETTINGS frame, or null when the frame does not carry it.</summary>
    public uint? Setting(ushort id)
    {
        for (var offset = 0; offset + 6 <= Payload.Length; offset += 6)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(Payload.AsSpan(offset)) == id)
            {
                return BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(offset + 2));
            }
        }

        return null;
    }
}

/// <summary>
/// A hand-driven HTTP/2 (h2c) client connection to 127.0.0.1, below any HTTP library, so that a test decides
/// what the peer does: open streams and leave them open, never answer a PING, hold a connection idle.
/// </summary>
internal sealed class RawHttp2Connection : IAsyncDisposable
{
    /// <summary>The SETTINGS_MAX_CONCURRENT_STREAMS identifier.</summary>
    public const ushort MaxConcurrentStreams = 0x3;

    /// <summary>The REFUSED_STREAM error code.</summary>
    public const uint RefusedStream = 0x7;

    private static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly string _authority;

    private RawHttp2Connection(TcpClient tcp, string authority)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _authority = authority;
    }

    /// <summary>Connects and sends the client preface and an empty SETTINGS frame.</summary>
    public static async Task<RawHttp2Connection> ConnectAsync(Uri server, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, cancellationToken);
        var connection = new RawHttp2Connection(tcp, server.Authority);
        try
        {
            await connection._stream.WriteAsync(Preface, cancellationToken);
            await connection.WriteFrameAsync(Http2Frame.Settings, 0, 0, [], cancellationToken);
        }
        catch (IOException)
        {
            // The server may already have closed it; reading says so.
        }

        return connection;
    }

    /// <summary>Reads frames until the server's first SETTINGS, acknowledges it and returns it; null when the server closed the connection instead.</summary>
    public async Task<Http2Frame?> ReadServerSettingsAsync(CancellationToken cancellationToken)
    {
        var settings = await ReadUntilAsync(frame => frame.Type == Http2Frame.Settings && (frame.Flags & Http2Frame.AckFlag) == 0, cancellationToken);
        if (settings is not null)
        {
            await WriteFrameAsync(Http2Frame.Settings, Http2Frame.AckFlag, 0, [], cancellationToken);
        }

        return settings;
    }

    /// <summary>Opens a stream with the request headers of a gRPC call to <paramref name="path"/> and leaves its body open.</summary>
    public Task OpenCallAsync(int streamId, string path, CancellationToken cancellationToken)
    {
        var block = new List<byte>();
        foreach (var (name, value) in new[]
        {
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", _authority),
            ("content-type", "application/grpc"), ("te", "trailers"),
        })
        {
            // HPACK literal header field without indexing, new name, no Huffman coding (RFC 7541 6.2.2).
            block.Add(0x00);
            AddString(block, name);
            AddString(block, value);
        }

        const byte EndHeaders = 0x4;
        return WriteFrameAsync(Http2Frame.Headers, EndHeaders, streamId, [.. block], cancellationToken);
    }

    /// <summary>Reads frames until one matches, and returns it; null when the connection ends first.</summary>
    public async Task<Http2Frame?> ReadUntilAsync(Func<Http2Frame, bool> match, CancellationToken cancellationToken)
    {
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            if (match(frame))
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>The next frame; null when the server closed or reset the connection.</summary>
    public async Task<Http2Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var header = new byte[9];
        if (!await ReadExactlyAsync(header, cancellationToken))
        {
            return null;
        }

        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = new byte[length];
        if (!await ReadExactlyAsync(payload, cancellationToken))
        {
            return null;
        }

        return new Http2Frame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & int.MaxValue, payload);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private static void AddString(List<byte> block, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        if (bytes.Length >= 127)
        {
            throw new ArgumentException("Only short header strings are supported.", nameof(text));
        }

        block.Add((byte)bytes.Length);
        block.AddRange(bytes);
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    private async Task WriteFrameAsync(byte type, byte flags, int streamId, byte[] payload, CancellationToken cancellationToken)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await _stream.WriteAsync(frame, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }
}
