using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>
/// An <see cref="IOException"/> thrown by a host's own feature store or recorder is a server failure
/// (logged as an error, <c>Internal</c> to the client), never mistaken for a client that went away,
/// which a broken request or response stream also shows as an <see cref="IOException"/>.
/// </summary>
[TestFixture(HostFlavour.InMemory)]
[TestFixture(HostFlavour.Loopback)]
public class HostFailureTests(HostFlavour flavour)
{
    [Test]
    public async Task An_IOException_from_the_hosts_feature_store_is_a_server_failure_in_GetFeature()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, new BrokenFeatureStore());

        var call = async () => await host.Client.GetFeatureAsync(new Point { Latitude = 1, Longitude = 2 });

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Internal, "GetFeature failed on the server."));
        ShouldHaveLoggedTheFailure(host, "GetFeature");
    }

    [Test]
    public async Task An_IOException_from_the_hosts_feature_store_is_a_server_failure_in_ListFeatures()
    {
        await using var host = await RouteGuideTestHost.StartAsync(flavour, new BrokenFeatureStore());

        var call = async () =>
        {
            using var features = host.Client.ListFeatures(new Rectangle { Lo = new Point(), Hi = new Point { Latitude = 10, Longitude = 10 } });
            await foreach (var _ in features.ResponseStream.ReadAllAsync())
            {
            }
        };

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Internal, "ListFeatures failed on the server."));
        ShouldHaveLoggedTheFailure(host, "ListFeatures");
    }

    [Test]
    public async Task An_IOException_from_the_hosts_recorder_is_a_server_failure_in_RecordRoute()
    {
        await using var host = await RouteGuideTestHost.StartAsync(
            flavour, configureServices: services => services.AddSingleton<IRouteRecorderFactory>(new RecordersFailingAt(3)));
        var route = Enumerable.Range(0, 10).Select(i => new Point { Latitude = i, Longitude = i });

        var call = () => host.Client.RecordRouteAsync(route);

        (await call.Should().ThrowAsync<RpcException>()).Which.Status.Should().Be(new Status(StatusCode.Internal, "RecordRoute failed on the server."));
        ShouldHaveLoggedTheFailure(host, "RecordRoute");
    }

    private static void ShouldHaveLoggedTheFailure(RouteGuideTestHost host, string method)
    {
        host.Errors.Should().ContainSingle().Which.Should().StartWith($"{method} failed.").And.Contain("store offline");
        host.Logs.GetSnapshot().Should().NotContain(r => r.Message.Contains("ended early", StringComparison.Ordinal));
        host.ActiveCalls.Should().Be(0);
    }

    private sealed class BrokenFeatureStore : IFeatureLookup
    {
        public bool TryGetFeature(GeoPoint location, [MaybeNullWhen(false)] out CatalogFeature feature) =>
            throw new IOException("store offline");

        public IEnumerable<CatalogFeature> GetFeaturesWithin(GeoPoint corner, GeoPoint oppositeCorner) =>
            throw new IOException("store offline");
    }

    private sealed class RecordersFailingAt(int failingIndex) : IRouteRecorderFactory
    {
        public IRouteRecorder StartRoute() => new Recorder(failingIndex);

        private sealed class Recorder(int failingIndex) : IRouteRecorder
        {
            public long PointCount { get; private set; }

            public void Record(int latitude, int longitude)
            {
                if (PointCount == failingIndex)
                {
                    throw new IOException("store offline");
                }

                PointCount++;
            }

            public RouteStatistics GetStatistics() => throw new InvalidOperationException("The route failed.");
        }
    }
}
