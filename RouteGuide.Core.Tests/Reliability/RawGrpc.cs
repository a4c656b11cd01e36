using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// Sends hand-made HTTP/2 requests to the server, below the gRPC client, so a test controls every byte
/// of the body: what a broken or hostile client can send.
/// </summary>
internal static class RawGrpc
{
    public const string RecordRoutePath = "/routeguide.RouteGuide/RecordRoute";

    public const string GetFeaturePath = "/routeguide.RouteGuide/GetFeature";

    public const string ListFeaturesPath = "/routeguide.RouteGuide/ListFeatures";

    /// <summary>A plain HTTP/2 (h2c) client with no proxy and no retries.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });

    /// <summary>One gRPC length-prefixed message: flag byte, 4-byte big-endian length, the bytes.</summary>
    public static byte[] Frame(byte[] message, bool compressed = false) => Header((uint)message.Length, compressed).Concat(message).ToArray();

    /// <summary>A gRPC message header alone, declaring <paramref name="length"/> bytes.</summary>
    public static byte[] Header(uint length, bool compressed = false)
    {
        var header = new byte[5];
        header[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    /// <summary><paramref name="data"/> compressed as one gzip member.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>POSTs <paramref name="body"/> as one HTTP/2 request and reads the whole answer, trailers included.</summary>
    /// <remarks>With <paramref name="grpcEncoding"/>, the request says its compressed messages use that encoding.</remarks>
    public static Task<RawResponse> PostAsync(
        HttpClient http, Uri server, string path, byte[] body, string contentType, CancellationToken cancellationToken, string? grpcEncoding = null) =>
        PostAsync(http, server, path, new ByteArrayContent(body), contentType, cancellationToken, grpcEncoding);

    /// <summary>POSTs <paramref name="body"/> as one HTTP/2 request and reads the whole answer, trailers included.</summary>
    /// <remarks>With <paramref name="grpcEncoding"/>, the request says its compressed messages use that encoding.</remarks>
    public static async Task<RawResponse> PostAsync(
        HttpClient http, Uri server, string path, HttpContent body, string contentType, CancellationToken cancellationToken, string? grpcEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.ParseAdd("trailers");
        if (grpcEncoding is not null)
        {
            request.Headers.Add("grpc-encoding", grpcEncoding);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(
            response.StatusCode,
            response.Version,
            Find(response, "grpc-status"),
            Find(response, "grpc-message"),
            responseBody.Length)
        {
            Body = responseBody,
        };
    }

    private static string? Find(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
        : response.Headers.TryGetValues(name, out var header) ? header.Single()
        : null;
}

/// <summary>What the server answered to a raw request.</summary>
/// <param name="HttpStatus">The HTTP status.</param>
/// <param name="Version">The HTTP version actually used.</param>
/// <param name="GrpcStatus">The <c>grpc-status</c> trailer (or header, for a trailers-only answer); null when absent.</param>
/// <param name="GrpcMessage">The <c>grpc-message</c> trailer or header; null when absent.</param>
/// <param name="BodyLength">The response body's length in bytes.</param>
internal sealed record RawResponse(HttpStatusCode HttpStatus, Version Version, string? GrpcStatus, string? GrpcMessage, int BodyLength)
{
    /// <summary>The response body: the gRPC response message, framed.</summary>
    public byte[] Body { get; init; } = [];
}
