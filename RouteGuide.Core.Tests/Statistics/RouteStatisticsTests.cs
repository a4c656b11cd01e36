using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Statistics;

public class RouteStatisticsTests
{
    [Test]
    public void Summary_values_saturate_at_int_MaxValue_instead_of_wrapping()
    {
        var statistics = new RouteStatistics(3_000_000_000, 2_500_000_000, 5e12, TimeSpan.FromSeconds(4_000_000_000));

        statistics.SummaryPointCount.Should().Be(int.MaxValue);
        statistics.SummaryFeatureCount.Should().Be(int.MaxValue);
        statistics.SummaryDistanceMetres.Should().Be(int.MaxValue);
        statistics.SummaryElapsedSeconds.Should().Be(int.MaxValue);
    }

    [Test]
    public void Summary_values_are_exact_up_to_int_MaxValue()
    {
        var statistics = new RouteStatistics(int.MaxValue, int.MaxValue - 1, int.MaxValue - 0.5, TimeSpan.FromSeconds(int.MaxValue) - TimeSpan.FromTicks(1));

        statistics.SummaryPointCount.Should().Be(int.MaxValue);
        statistics.SummaryFeatureCount.Should().Be(int.MaxValue - 1);
        statistics.SummaryDistanceMetres.Should().Be(int.MaxValue - 1, "the total is rounded down");
        statistics.SummaryElapsedSeconds.Should().Be(int.MaxValue - 1);
    }

    [Test]
    public void The_distance_is_rounded_down_once_over_the_total()
    {
        new RouteStatistics(3, 0, 1999.999, TimeSpan.Zero).SummaryDistanceMetres.Should().Be(1999);
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
