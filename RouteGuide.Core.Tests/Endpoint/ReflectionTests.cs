using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.AspNetCore;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace RouteGuide.Core.Tests.Endpoint;

/// <summary>gRPC server reflection, as grpcurl uses it, asked by Grpc.Reflection's own clients over loopback HTTP/2.</summary>
public class ReflectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Reflection_v1_lists_the_RouteGuide_service_and_describes_its_methods_and_messages()
    {
        await using var host = await StartWithReflectionAsync();
        var reflection = new V1.ServerReflection.ServerReflectionClient(host.Channel);

        var listed = await AskV1Async(reflection, new V1.ServerReflectionRequest { ListServices = string.Empty });
        var described = await AskV1Async(reflection, new V1.ServerReflectionRequest { FileContainingSymbol = "routeguide.RouteGuide" });

        listed.ListServicesResponse.Service.Select(service => service.Name).Should().Contain("routeguide.RouteGuide");
        ShouldDescribeRouteGuide(described.FileDescriptorResponse.FileDescriptorProto);
    }

    [Test]
    public async Task Reflection_v1alpha_answers_the_same_for_older_tools()
    {
        await using var host = await StartWithReflectionAsync();
        var reflection = new V1Alpha.ServerReflection.ServerReflectionClient(host.Channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow + Patience);

        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = "routeguide.RouteGuide" });
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();

        responses.Should().HaveCount(2);
        responses[0].ListServicesResponse.Service.Select(service => service.Name).Should().Contain("routeguide.RouteGuide");
        ShouldDescribeRouteGuide(responses[1].FileDescriptorResponse.FileDescriptorProto);
    }

    [Test]
    public async Task Reflection_is_off_unless_the_host_turns_it_on()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.InMemory);
        var reflection = new V1.ServerReflection.ServerReflectionClient(host.Channel);

        var ask = () => AskV1Async(reflection, new V1.ServerReflectionRequest { ListServices = string.Empty });

        (await ask.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unimplemented);
    }

    private static Task<RouteGuideTestHost> StartWithReflectionAsync() => RouteGuideTestHost.StartAsync(
        HostFlavour.Loopback, configureServices: services => services.Configure<RouteGuideServerOptions>(server => server.EnableReflection = true));

    private static async Task<V1.ServerReflectionResponse> AskV1Async(V1.ServerReflection.ServerReflectionClient reflection, V1.ServerReflectionRequest request)
    {
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow + Patience);
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        var responses = await call.ResponseStream.ReadAllAsync().ToListAsync();
        return responses.Should().ContainSingle().Subject;
    }

    private static void ShouldDescribeRouteGuide(IEnumerable<ByteString> files)
    {
        var descriptors = files.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        var file = descriptors.Should().ContainSingle(descriptor => descriptor.Service.Any(service => service.Name == "RouteGuide")).Subject;
        file.Package.Should().Be("routeguide");
        var service = file.Service.Single(service => service.Name == "RouteGuide");
        service.Method.Select(method => method.Name).Should().BeEquivalentTo(["GetFeature", "ListFeatures", "RecordRoute", "RouteChat"]);
        var recordRoute = service.Method.Single(method => method.Name == "RecordRoute");
        (recordRoute.InputType, recordRoute.OutputType, recordRoute.ClientStreaming, recordRoute.ServerStreaming)
            .Should().Be((".routeguide.Point", ".routeguide.RouteSummary", true, false));
        file.MessageType.Select(message => message.Name).Should().Contain(["Point", "RouteSummary", "Feature", "Rectangle", "RouteNote"]);
    }
}
