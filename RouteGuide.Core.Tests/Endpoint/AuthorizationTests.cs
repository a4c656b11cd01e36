using System.Security.Claims;
using System.Text.Encodings.Web;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Endpoint;

/// <summary>
/// The RouteGuide service behind ASP.NET Core authorization, as docs/operations.md shows it:
/// <c>MapRouteGuide().RequireAuthorization()</c> with the host's own authentication.
/// </summary>
public class AuthorizationTests
{
    private const string Token = "route-token";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task A_call_without_credentials_is_Unauthenticated_and_records_nothing()
    {
        await using var app = await StartAsync();
        using var channel = CreateChannel(app);

        var call = async () => await channel.CreateRouteGuideClient().RecordRouteAsync(Routes.Random(1, FeatureCatalog.Default, 10), deadline: DateTime.UtcNow + Patience);

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unauthenticated);
    }

    [Test]
    public async Task A_call_with_a_wrong_token_is_Unauthenticated()
    {
        await using var app = await StartAsync();
        using var channel = CreateChannel(app);
        var headers = new Metadata { { "Authorization", "Bearer not-the-token" } };

        var call = async () => await channel.CreateRouteGuideClient().RecordRouteAsync(
            Routes.Random(2, FeatureCatalog.Default, 10), new CallOptions(headers, DateTime.UtcNow + Patience));

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unauthenticated);
    }

    [Test]
    public async Task An_authenticated_call_gets_its_exact_summary()
    {
        await using var app = await StartAsync();
        using var channel = CreateChannel(app);
        var route = Routes.Random(3, FeatureCatalog.Default, 50);
        var headers = new Metadata { { "Authorization", "Bearer " + Token } };

        var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route, new CallOptions(headers, DateTime.UtcNow + Patience));

        var expected = Routes.RecordLocally(route, FeatureCatalog.Default).ToSummary();
        summary.PointCount.Should().Be(route.Length);
        summary.FeatureCount.Should().Be(expected.FeatureCount);
        summary.Distance.Should().Be(expected.Distance);
    }

    [Test]
    public async Task An_authenticated_call_that_fails_the_policy_is_PermissionDenied()
    {
        await using var app = await StartAsync(policy: "recorder");
        using var channel = CreateChannel(app);
        var headers = new Metadata { { "Authorization", "Bearer " + Token } };

        var call = async () => await channel.CreateRouteGuideClient().RecordRouteAsync(
            Routes.Random(4, FeatureCatalog.Default, 10), new CallOptions(headers, DateTime.UtcNow + Patience));

        (await call.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.PermissionDenied, "the token is valid but carries no recorder role");
    }

    [Test]
    public async Task The_health_service_stays_open_to_probes()
    {
        await using var app = await StartAsync();
        using var channel = CreateChannel(app);

        var response = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Patience);

        response.Status.Should().Be(HealthCheckResponse.Types.ServingStatus.Serving, "RequireAuthorization applies to the RouteGuide methods only");
    }

    /// <summary>Starts a host whose RouteGuide methods require an authenticated user, and when <paramref name="policy"/> is given, that role.</summary>
    private static async Task<WebApplication> StartAsync(string? policy = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Services.AddRouteGuideServer();
        builder.Services.AddAuthentication(BearerTokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        var routeGuide = app.MapRouteGuide();
        if (policy is null)
        {
            routeGuide.RequireAuthorization();
        }
        else
        {
            routeGuide.RequireAuthorization(rules => rules.RequireRole(policy));
        }

        await app.StartAsync();
        return app;
    }

    private static GrpcChannel CreateChannel(WebApplication app)
    {
        var server = app.GetTestServer();
        return GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
    }

    /// <summary>Authenticates a request that carries <c>Authorization: Bearer route-token</c>; a stand-in for a real scheme such as JWT bearer or client certificates.</summary>
    private sealed class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (header.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            return Task.FromResult(header == "Bearer " + Token
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "route client")], SchemeName)), SchemeName))
                : AuthenticateResult.Fail("unknown token"));
        }
    }
}
