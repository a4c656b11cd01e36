using System.Net;
using Google.Protobuf;
using Grpc.Core;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Reliability;

/// <summary>
/// Bodies no real gRPC client sends, posted to RecordRoute over real HTTP/2: each gets a gRPC error
/// status (no hang, no crash, no internals in the message) and the server keeps serving.
/// </summary>
[TestFixture(WirePath.Fast)]
[TestFixture(WirePath.Standard)]
public class HostileBytesTests(WirePath path)
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(30);

    private static readonly byte[] ValidPoint = new Point { Latitude = 409146138, Longitude = -746188906 }.ToByteArray();

    public static IEnumerable<TestCaseData> Bodies()
    {
        // Three bytes drawn from a seeded generator: shorter than a message header.
        var random = new Random(42).GetItems(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 3);
        yield return Case("three random bytes", random, StatusCode.Internal, "Message 0 of the request stream could not be read: Incomplete message.");
        yield return Case("a frame declaring one byte over the 4 MiB limit", RawGrpc.Header(RouteGuideTestHost.DefaultMaxReceiveMessageSize + 1u), StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        yield return Case("a frame declaring 4 GiB - 1 bytes", RawGrpc.Header(uint.MaxValue), StatusCode.Internal, "Message 0 of the request stream could not be read.");
        yield return Case("a frame declaring 4 GiB - 1 bytes, then 100 bytes of it", [.. RawGrpc.Header(uint.MaxValue), .. Enumerable.Repeat((byte)7, 100)], StatusCode.Internal, "Message 0 of the request stream could not be read.");
        yield return Case("a truncated frame (10 bytes declared, 4 sent)", [.. RawGrpc.Header(10), 8, 1, 16, 2], StatusCode.Internal, "Message 0 of the request stream could not be read: Incomplete message.");
        yield return Case("a frame that is not a Point (invalid protobuf)", RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), StatusCode.Internal, "Message 0 of the request stream is not a valid Point.");
        yield return Case("two valid points, then invalid protobuf", [.. RawGrpc.Frame(ValidPoint), .. RawGrpc.Frame(ValidPoint), .. RawGrpc.Frame([0x0A, 0x7F, 0x01])], StatusCode.Internal, "Message 2 of the request stream is not a valid Point.");
        yield return Case("a frame with compressed flag 2", [2, .. RawGrpc.Frame(ValidPoint)[1..]], StatusCode.Internal, "Message 0 of the request stream could not be read.");
        yield return Case("a compressed frame without grpc-encoding", RawGrpc.Frame(ValidPoint, compressed: true), StatusCode.Internal, "Message 0 of the request stream could not be read: Request did not include grpc-encoding value with compressed message.");
    }

    [TestCaseSource(nameof(Bodies))]
    public async Task A_malformed_body_gets_an_error_status_and_the_server_keeps_serving(string what, byte[] body, StatusCode expected, string message)
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);

        var response = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, body, "application/grpc", safety.Token);

        TestContext.Out.WriteLine($"{what}: {response}");

        response.Version.Should().Be(HttpVersion.Version20);
        response.HttpStatus.Should().Be(HttpStatusCode.OK, "gRPC errors travel in trailers");
        response.GrpcStatus.Should().Be(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture), what);
        response.GrpcMessage.Should().Be(message);
        ShouldNotLeakInternals(response.GrpcMessage);
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty("a malformed request is the client's fault, not a server error");
        host.Logs.GetSnapshot().Should().NotContain(r => r.Message.StartsWith("RecordRoute completed", StringComparison.Ordinal));
        await ShouldStillServe(host);
    }

    public static IEnumerable<TestCaseData> CompressedBodies()
    {
        var point = ValidPoint;
        var rectangle = new Rectangle { Lo = new Point { Latitude = 400_000_000, Longitude = -750_000_000 }, Hi = new Point { Latitude = 420_000_000, Longitude = -730_000_000 } }.ToByteArray();
        (string Name, string Path, byte[] Message, string Unreadable)[] methods =
        [
            ("RecordRoute", RawGrpc.RecordRoutePath, point, "Message 0 of the request stream could not be read: The message is not valid gzip: "),
            ("GetFeature", RawGrpc.GetFeaturePath, point, "The message is not valid gzip: "),
            ("ListFeatures", RawGrpc.ListFeaturesPath, rectangle, "The message is not valid gzip: "),
        ];

        // A 16 MiB run of zeros compresses to about 16 KiB: a bomb for a server with a 4 MiB limit.
        var bomb = RawGrpc.Gzip(new byte[16 * 1024 * 1024]);
        foreach (var method in methods)
        {
            var gzip = RawGrpc.Gzip(method.Message);
            byte[] corrupt = [.. gzip[..10], .. Enumerable.Repeat((byte)0xFF, 16), .. gzip[^8..]];
            yield return Compressed(method.Name, "corrupt gzip", method.Path, RawGrpc.Frame(corrupt, compressed: true), StatusCode.Internal, method.Unreadable);
            yield return Compressed(method.Name, "truncated gzip (trailer cut off)", method.Path, RawGrpc.Frame(gzip[..^4], compressed: true), StatusCode.Internal, method.Unreadable);
            yield return Compressed(method.Name, "truncated gzip (data cut off)", method.Path, RawGrpc.Frame(gzip[..^9], compressed: true), StatusCode.Internal, method.Unreadable);
            yield return Compressed(method.Name, "a gzip bomb past the 4 MiB limit", method.Path, RawGrpc.Frame(bomb, compressed: true), StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size");
        }

        yield return Compressed("RecordRoute", "a valid gzip point, then truncated gzip", RawGrpc.RecordRoutePath, [.. RawGrpc.Frame(RawGrpc.Gzip(point), compressed: true), .. RawGrpc.Frame(RawGrpc.Gzip(point)[..^4], compressed: true)], StatusCode.Internal, "Message 1 of the request stream could not be read: The message is not valid gzip: ");
    }

    [TestCaseSource(nameof(CompressedBodies))]
    public async Task A_bad_compressed_message_gets_a_clear_status_without_an_error_log(string path, byte[] body, StatusCode expected, string messageStart)
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);

        var response = await RawGrpc.PostAsync(http, host.Address, path, body, "application/grpc", safety.Token, grpcEncoding: "gzip");

        TestContext.Out.WriteLine(response.ToString());
        response.GrpcStatus.Should().Be(((int)expected).ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.GrpcMessage.Should().StartWith(messageStart);
        ShouldNotLeakInternals(response.GrpcMessage);
        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty("a malformed request is the client's fault, not a server error");
        host.Logs.GetSnapshot().Should().NotContain(r => r.Message.Contains("   at ", StringComparison.Ordinal), "no log line carries a stack trace in its text");
        await ShouldStillServe(host);
    }

    [Test]
    public async Task Valid_gzip_points_are_recorded_exactly()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);
        var frame = RawGrpc.Frame(RawGrpc.Gzip(ValidPoint), compressed: true);

        var response = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, [.. frame, .. frame, .. frame], "application/grpc", safety.Token, grpcEncoding: "gzip");

        response.GrpcStatus.Should().Be("0", response.ToString());
        host.Logs.GetSnapshot().Should().ContainSingle(r => r.Message.StartsWith("RecordRoute completed: 3 points", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_wrong_content_type_is_refused_with_415_and_a_grpc_status()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);
        using var http = RawGrpc.CreateClient();
        using var safety = new CancellationTokenSource(SafetyTimeout);

        var response = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, RawGrpc.Frame(ValidPoint), "text/plain", safety.Token);

        TestContext.Out.WriteLine(response.ToString());
        response.HttpStatus.Should().Be(HttpStatusCode.UnsupportedMediaType);
        response.GrpcStatus.Should().Be("13", "ASP.NET Core gRPC refuses other content types with Internal");
        response.GrpcMessage.Should().Be("Content-Type 'text/plain' is not supported.");
        ShouldNotLeakInternals(response.GrpcMessage);
        await ShouldStillServe(host);
    }

    [Test]
    public async Task Every_malformed_body_in_turn_on_one_server_leaves_it_serving_with_no_call_left_open()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback, wirePath: path);
        using var http = RawGrpc.CreateClient();

        foreach (var data in Bodies())
        {
            using var safety = new CancellationTokenSource(SafetyTimeout);
            var response = await RawGrpc.PostAsync(http, host.Address, RawGrpc.RecordRoutePath, (byte[])data.Arguments[1]!, "application/grpc", safety.Token);
            response.GrpcStatus.Should().NotBeNull().And.NotBe("0", (string)data.Arguments[0]!);
        }

        await host.WaitForNoActiveCallsAsync();
        host.Errors.Should().BeEmpty();
        await ShouldStillServe(host);
    }

    private static TestCaseData Compressed(string method, string what, string path, byte[] body, StatusCode expected, string messageStart) =>
        new TestCaseData(path, body, expected, messageStart).SetArgDisplayNames($"{method}: {what}");

    private static TestCaseData Case(string what, byte[] body, StatusCode expected, string message) =>
        new TestCaseData(what, body, expected, message).SetArgDisplayNames(what);

    private static void ShouldNotLeakInternals(string? grpcMessage)
    {
        var message = grpcMessage ?? string.Empty;
        message.Should().NotContain("   at ").And.NotContain(".cs:line").And.NotContain("/work/").And.NotContain("Exception:");
    }

    private static async Task ShouldStillServe(RouteGuideTestHost host)
    {
        var route = Routes.Random(3, FeatureCatalog.Default, count: 50);
        var summary = await host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(SafetyTimeout));
        summary.PointCount.Should().Be(50, "the server still serves a normal RecordRoute");
    }
}
