using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.FastPath;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Harness;

/// <summary>The public API of RouteGuide.Core.Testing, used as a consumer would.</summary>
public class RouteGuideTestHostTests
{
    private const string RecordRoute = "/routeguide.RouteGuide/RecordRoute";

    private static readonly Point Eiffel = new() { Latitude = 488583701, Longitude = 22944813 };
    private static readonly Point BigBen = new() { Latitude = 515007292, Longitude = -1246254 };

    [Test]
    public async Task Both_flavours_give_the_exact_summary_and_log_the_call([Values] HostFlavour flavour)
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour);

        var summary = await host.Client.RecordRouteAsync([Eiffel, BigBen]);

        summary.Should().Be(new RouteSummary { PointCount = 2, FeatureCount = 2, Distance = 340_544, ElapsedTime = 0 });
        host.Calls.Should().Equal(new ObservedCall(RecordRoute, StatusCode.OK, string.Empty, 2, 1));
        host.Logs.GetSnapshot().Should().ContainSingle(r => r.Message.StartsWith("RecordRoute completed: 2 points, 2 features", StringComparison.Ordinal));
        host.Errors.Should().BeEmpty();
        if (flavour == HostFlavour.Loopback)
        {
            host.Address.Host.Should().Be("127.0.0.1");
            host.Address.Port.Should().BePositive();
        }
    }

    [Test]
    public async Task The_call_log_shows_a_rejected_call_with_its_status_and_the_points_the_server_read()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.InMemory);

        var call = () => host.Client.RecordRouteAsync([Eiffel, BigBen, Eiffel, new Point { Latitude = 900_000_001 }, BigBen]);

        var rejected = (await call.Should().ThrowAsync<RpcException>()).Which;
        rejected.StatusCode.Should().Be(StatusCode.InvalidArgument);
        var observed = host.Calls.Should().ContainSingle().Which;
        observed.Should().Be(new ObservedCall(RecordRoute, StatusCode.InvalidArgument, rejected.Status.Detail, 4, 0));
        observed.StatusDetail.Should().Contain("900000001");
    }

    [Test]
    public async Task The_call_log_counts_the_messages_of_every_kind_of_call()
    {
        await using var host = await RouteGuideTestHost.StartAsync(HostFlavour.InMemory);
        var here = new Point { Latitude = 1, Longitude = 1 };

        await host.Client.GetFeatureAsync(Eiffel);
        using (var list = host.Client.ListFeatures(new Rectangle { Lo = Eiffel, Hi = BigBen }))
        {
            await list.ResponseStream.ReadAllAsync().CountAsync();
        }

        using (var chat = host.Client.RouteChat())
        {
            foreach (var message in new[] { "one", "two", "three" })
            {
                await chat.RequestStream.WriteAsync(new RouteNote { Location = here, Message = message });
            }

            await chat.RequestStream.CompleteAsync();
            (await chat.ResponseStream.ReadAllAsync().CountAsync()).Should().Be(3, "each note gets back the earlier ones: 0 + 1 + 2");
        }

        var within = FeatureCatalog.Default.GetFeaturesWithin(new GeoPoint(Eiffel.Latitude, Eiffel.Longitude), new GeoPoint(BigBen.Latitude, BigBen.Longitude)).Count();
        within.Should().BePositive();
        host.Calls.Should().Equal(
            new ObservedCall("/routeguide.RouteGuide/GetFeature", StatusCode.OK, string.Empty, 1, 1),
            new ObservedCall("/routeguide.RouteGuide/ListFeatures", StatusCode.OK, string.Empty, 1, within),
            new ObservedCall("/routeguide.RouteGuide/RouteChat", StatusCode.OK, string.Empty, 3, 3));
    }

    [Test]
    public async Task The_tests_catalog_replaces_the_applications([Values] HostFlavour flavour)
    {
        var fountain = new Point { Latitude = 100, Longitude = 200 };
        var catalog = new FeatureCatalog([new CatalogFeature("Test fountain", new GeoPoint(100, 200))]);
        await using var host = await RouteGuideTestHost.StartAsync(new RouteGuideTestHostOptions
        {
            Flavour = flavour,
            Catalog = catalog,
            ConfigureServices = services => services.AddSingleton<IFeatureLookup>(FeatureCatalog.Default),
        });

        var feature = await host.Client.GetFeatureAsync(fountain);
        var summary = await host.Client.RecordRouteAsync([Eiffel, fountain, BigBen]);

        feature.Name.Should().Be("Test fountain");
        summary.FeatureCount.Should().Be(1, "only the test's catalog is counted: the Eiffel Tower and Big Ben are not in it");
        summary.PointCount.Should().Be(3);
    }

    [Test]
    public async Task The_tests_clock_is_the_one_the_server_reads([Values] HostFlavour flavour)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        ObservedRecorders? recorders = null;
        await using var host = await RouteGuideTestHost.StartAsync(new RouteGuideTestHostOptions
        {
            Flavour = flavour,
            Time = clock,
            ConfigureServices = services =>
            {
                services.AddSingleton(TimeProvider.System);
                services.AddSingleton<IRouteRecorderFactory>(provider => recorders = new ObservedRecorders(
                    new RouteRecorderFactory(provider.GetRequiredService<IFeatureLookup>(), provider.GetRequiredService<TimeProvider>())));
            },
        });

        // The clock moves 90.5 s once the server's recorder has the first point.
        var summary = await host.Client.RecordRouteAsync(Routes.WithHook([Eiffel, BigBen, Eiffel], async (index, token) =>
        {
            if (index == 0)
            {
                await recorders!.FirstPoint.Task.WaitAsync(TimeSpan.FromSeconds(20), token);
                host.Time.Advance(TimeSpan.FromSeconds(90.5));
            }
        }));

        host.Time.Should().BeSameAs(clock);
        summary.ElapsedTime.Should().Be(90, "90.5 s passed on the test's clock, rounded down to whole seconds");
        summary.PointCount.Should().Be(3);
    }

    [Test]
    public async Task The_applications_own_registrations_and_pipeline_are_hosted([Values] HostFlavour flavour)
    {
        await using var host = await RouteGuideTestHost.StartAsync(new RouteGuideTestHostOptions
        {
            Flavour = flavour,
            ConfigureServices = services =>
            {
                services.AddGrpc(grpc => grpc.Interceptors.Add<RequireTenantHeader>());
                services.AddSingleton(new RouteRecorderOptions { FeatureCounting = FeatureCounting.NamedOnly });
            },
            ConfigureApplication = app =>
            {
                app.Use((context, next) =>
                {
                    context.Response.Headers["x-served-by"] = "the application's pipeline";
                    return next(context);
                });
                app.MapRouteGuide();
            },
        });
        var tenant = new Metadata { { RequireTenantHeader.Name, "acme" } };
        var unnamed = Routes.ToPoint(FeatureCatalog.Default.Features.First(f => !f.IsNamed).Location);

        var anonymous = () => host.Client.RecordRouteAsync([Eiffel]);
        using var call = host.Client.RecordRoute(tenant, deadline: DateTime.UtcNow.AddMinutes(1));
        foreach (var point in new[] { Eiffel, unnamed, BigBen })
        {
            await call.RequestStream.WriteAsync(point);
        }

        await call.RequestStream.CompleteAsync();
        var summary = await call.ResponseAsync;
        var headers = await call.ResponseHeadersAsync;

        (await anonymous.Should().ThrowAsync<RpcException>()).Which.StatusCode.Should().Be(StatusCode.Unauthenticated);
        headers.GetValue("x-served-by").Should().Be("the application's pipeline");
        summary.PointCount.Should().Be(3);
        summary.FeatureCount.Should().Be(2, "the application's own recorder options count named features only");
        host.Calls.Select(c => c.StatusCode).Should().BeEquivalentTo([StatusCode.OK, StatusCode.Unauthenticated]);
    }

    [Test]
    public async Task A_flavour_that_does_not_exist_is_refused_by_name()
    {
        var start = () => RouteGuideTestHost.StartAsync(new RouteGuideTestHostOptions { Flavour = (HostFlavour)7 });

        (await start.Should().ThrowAsync<ArgumentOutOfRangeException>()).WithMessage("*RouteGuideTestHostOptions.Flavour*HostFlavour*");
    }

    /// <summary>An application's own policy: every call names its tenant.</summary>
    private sealed class RequireTenantHeader : Interceptor
    {
        public const string Name = "x-tenant";

        public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
            IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
            context.RequestHeaders.GetValue(Name) is null
                ? throw new RpcException(new Status(StatusCode.Unauthenticated, "No tenant."))
                : continuation(requestStream, context);
    }
}
