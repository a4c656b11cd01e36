using Microsoft.Extensions.Time.Testing;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Tests.Statistics;

public class RouteRecorderTests
{
    private static readonly GeoPoint Mendham = new(407838351, -746143763);
    private static readonly GeoPoint Unnamed = new(411733222, -744228360);
    private static readonly GeoPoint Nowhere = new(409146138, -746188906);

    private static readonly FeatureCatalog Catalog = new(
    [
        new CatalogFeature("Patriots Path, Mendham, NJ 07945, USA", Mendham),
        new CatalogFeature(string.Empty, Unnamed),
    ]);

    [Test]
    public void Counts_points_features_with_repeat_visits_and_the_distance_of_a_route()
    {
        var recorder = new RouteRecorder(Catalog, new FakeTimeProvider());
        GeoPoint[] route = [Mendham, Nowhere, Mendham, Unnamed, Unnamed, Nowhere];

        foreach (var point in route)
        {
            recorder.Record(point.Latitude, point.Longitude);
        }

        var statistics = recorder.GetStatistics();
        statistics.PointCount.Should().Be(6);
        statistics.FeatureCount.Should().Be(4, "Mendham is passed twice and the unnamed place twice");
        var expected = route.Zip(route.Skip(1), Haversine.DistanceMetres).Sum();
        statistics.DistanceMetres.Should().Be(expected);
        statistics.ToSummary().Distance.Should().Be((int)Math.Floor(expected));
    }

    [Test]
    public void The_named_only_option_skips_unnamed_catalog_entries()
    {
        var recorder = new RouteRecorder(Catalog, new FakeTimeProvider(), new RouteRecorderOptions { FeatureCounting = FeatureCounting.NamedOnly });

        foreach (var point in new[] { Mendham, Unnamed, Mendham, Unnamed })
        {
            recorder.Record(point.Latitude, point.Longitude);
        }

        recorder.GetStatistics().FeatureCount.Should().Be(2);
    }

    [Test]
    public void An_empty_route_has_no_points_no_features_and_no_distance()
    {
        var statistics = new RouteRecorder(Catalog, new FakeTimeProvider()).GetStatistics();

        statistics.Should().Be(new RouteStatistics(0, 0, 0, TimeSpan.Zero));
    }

    [Test]
    public void A_one_point_route_has_no_distance()
    {
        var recorder = new RouteRecorder(Catalog, new FakeTimeProvider());

        recorder.Record(Mendham.Latitude, Mendham.Longitude);

        var statistics = recorder.GetStatistics();
        statistics.PointCount.Should().Be(1);
        statistics.FeatureCount.Should().Be(1);
        statistics.DistanceMetres.Should().Be(0);
    }

    [Test]
    public void Elapsed_time_runs_from_the_start_of_the_route_not_the_first_point()
    {
        var time = new FakeTimeProvider();
        var recorder = new RouteRecorderFactory(Catalog, time).StartRoute();

        time.Advance(TimeSpan.FromSeconds(5));
        recorder.Record(Mendham.Latitude, Mendham.Longitude);
        time.Advance(TimeSpan.FromMilliseconds(2_999));

        var statistics = recorder.GetStatistics();
        statistics.Elapsed.Should().Be(TimeSpan.FromMilliseconds(7_999));
        statistics.ToSummary().ElapsedTime.Should().Be(7, "whole seconds are rounded down, as the Go server does");
    }

    [Test]
    public void An_out_of_range_point_is_rejected_by_index_and_leaves_the_statistics_untouched()
    {
        var recorder = new RouteRecorder(Catalog, new FakeTimeProvider());
        recorder.Record(Mendham.Latitude, Mendham.Longitude);
        recorder.Record(Nowhere.Latitude, Nowhere.Longitude);
        recorder.Record(Mendham.Latitude, Mendham.Longitude);
        var before = recorder.GetStatistics();

        var record = () => recorder.Record(900_000_001, -746143763);

        record.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Point 3 of the route (zero-based index): latitude is out of range (latitude 900000001, longitude -746143763;*");
        recorder.GetStatistics().Should().Be(before);
        recorder.PointCount.Should().Be(3);

        var longitude = () => recorder.Record(0, int.MinValue);
        longitude.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Point 3 *longitude is out of range*");
    }

    [Test]
    public void A_route_longer_than_int_MaxValue_metres_and_seconds_saturates_in_the_summary()
    {
        // 108 hops between antipodes are 108 × π × 6,371 km ≈ 2.16e9 m, past int.MaxValue (≈ 2.147e9);
        // and 70 years are past int.MaxValue seconds (≈ 68 years). Every reference server wraps these.
        var time = new FakeTimeProvider();
        var recorder = new RouteRecorder(FeatureCatalog.Empty, time);
        for (var i = 0; i <= 108; i++)
        {
            recorder.Record(0, i % 2 == 0 ? 0 : GeoPoint.MaxLongitude);
        }

        time.Advance(TimeSpan.FromDays(70 * 365));

        var statistics = recorder.GetStatistics();
        statistics.DistanceMetres.Should().BeApproximately(108 * Haversine.MaxDistanceMetres, 1e-3);
        statistics.DistanceMetres.Should().BeGreaterThan(int.MaxValue);
        statistics.ToSummary().Distance.Should().Be(int.MaxValue);
        statistics.ToSummary().ElapsedTime.Should().Be(int.MaxValue);
        statistics.ToSummary().PointCount.Should().Be(109);
    }

    [Test]
    public void Recording_matches_pairwise_haversine_on_a_long_random_route()
    {
        var random = new Random(42);
        var route = Enumerable.Range(0, 10_000).Select(_ => HaversineTests.RandomPoint(random)).ToArray();
        var recorder = new RouteRecorder(FeatureCatalog.Empty);

        var expected = 0.0;
        for (var i = 0; i < route.Length; i++)
        {
            recorder.Record(route[i].Latitude, route[i].Longitude);
            if (i > 0)
            {
                expected += Haversine.DistanceMetres(route[i - 1], route[i]);
            }
        }

        recorder.GetStatistics().DistanceMetres.Should().Be(expected);
    }
}
