using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.AspNetCore;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RouteGuide.Core.Tests.Endpoint;

/// <summary>The gRPC health service that MapRouteGuide maps, asked by Grpc.HealthCheck's own client over loopback HTTP/2.</summary>
public class HealthServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [TestCase("")]
    [TestCase("routeguide.RouteGuide")]
    public async Task Check_is_SERVING_for_the_server_and_the_RouteGuide_service(string service)
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        var health = new Health.HealthClient(host.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + Patience);

        response.Status.Should().Be(ServingStatus.Serving);
    }

    [Test]
    public async Task Check_of_a_service_the_server_does_not_have_is_NotFound()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        var health = new Health.HealthClient(host.Channel);

        var check = async () => await health.CheckAsync(new HealthCheckRequest { Service = "routeguide.Elsewhere" }, deadline: DateTime.UtcNow + Patience);

        (await check.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.NotFound);
    }

    [Test]
    public async Task Check_is_NOT_SERVING_for_both_once_shutdown_begins()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.Loopback);
        var health = new Health.HealthClient(host.Channel);
        (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Patience)).Status.Should().Be(ServingStatus.Serving);

        // Hold the shutdown just after it began (the server still answers) while the test asks.
        using var release = new ManualResetEventSlim();
        using var held = host.ServerStopping.Register(() => release.Wait(Patience));
        var stopping = Task.Run(() => host.StopServerAsync(TimeSpan.FromSeconds(5)));
        await host.Eventually(() => host.ServerStopping.IsCancellationRequested, "shutdown has begun");

        try
        {
            foreach (var service in new[] { string.Empty, "routeguide.RouteGuide" })
            {
                var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + Patience);
                response.Status.Should().Be(ServingStatus.NotServing, "service '{0}' is shutting down", service);
            }

            host.Errors.Should().BeEmpty("a probe during a normal shutdown is not a failure to log as an error");
        }
        finally
        {
            release.Set();
            await stopping.WaitAsync(Patience);
        }
    }

    [Test]
    public async Task A_host_that_turns_the_health_service_off_does_not_answer_it()
    {
        await using var host = await RouteGuideTestHost.StartAsync(
            HostFlavour.InMemory, configureServices: services => services.Configure<RouteGuideServerOptions>(server => server.EnableHealthService = false));
        var health = new Health.HealthClient(host.Channel);

        var check = async () => await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Patience);

        (await check.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unimplemented);
    }
}
