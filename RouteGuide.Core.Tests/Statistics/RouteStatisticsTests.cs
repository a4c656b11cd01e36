using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Statistics;

public class RouteStatisticsTests
{
    [Test]
    public void Keeps_exact_values_past_the_wires_int32()
    {
        var statistics = new RouteStatistics(3_000_000_000, 2_500_000_000, 5e12, TimeSpan.FromSeconds(4_000_000_000));

        statistics.PointCount.Should().Be(3_000_000_000);
        statistics.FeatureCount.Should().Be(2_500_000_000);
        statistics.DistanceMetres.Should().Be(5e12);
        statistics.Elapsed.Should().Be(TimeSpan.FromSeconds(4_000_000_000));
    }

    [Test]
    public void Rejects_impossible_values()
    {
        FluentActions.Invoking(() => new RouteStatistics(-1, 0, 0, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new RouteStatistics(1, 2, 0, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new RouteStatistics(1, 0, double.NaN, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new RouteStatistics(1, 0, -1, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new RouteStatistics(1, 0, 0, TimeSpan.FromTicks(-1))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
