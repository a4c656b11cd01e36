using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1;

namespace RouteGuide.Core.Tests.Cli;

/// <summary>What <c>serve</c> offers besides RouteGuide: the health service and reflection, for probes and grpcurl.</summary>
public class ServeEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Serve_answers_health_checks_and_lists_its_services_through_reflection()
    {
        await using var serve = await ServingCli.StartAsync("--port", "0");
        using var channel = GrpcChannel.ForAddress(serve.Address);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "routeguide.RouteGuide" }, deadline: DateTime.UtcNow + Patience);
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow + Patience);
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await reflection.RequestStream.CompleteAsync();
        var listed = await reflection.ResponseStream.ReadAllAsync().SingleAsync();

        health.Status.Should().Be(HealthCheckResponse.Types.ServingStatus.Serving);
        listed.ListServicesResponse.Service.Select(service => service.Name).Should().Contain(["routeguide.RouteGuide", "grpc.health.v1.Health"]);
    }
}
