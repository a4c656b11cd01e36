using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Tests.Rpc;

/// <summary>The wire mapping of exact statistics to the RouteSummary's int32 fields.</summary>
public class RouteSummaryMappingTests
{
    [Test]
    public void Summary_values_saturate_at_int_MaxValue_instead_of_wrapping()
    {
        var summary = new RouteStatistics(3_000_000_000, 2_500_000_000, 5e12, TimeSpan.FromSeconds(4_000_000_000)).ToSummary();

        summary.PointCount.Should().Be(int.MaxValue);
        summary.FeatureCount.Should().Be(int.MaxValue);
        summary.Distance.Should().Be(int.MaxValue);
        summary.ElapsedTime.Should().Be(int.MaxValue);
    }

    [Test]
    public void Summary_values_are_exact_up_to_int_MaxValue()
    {
        var summary = new RouteStatistics(int.MaxValue, int.MaxValue - 1, int.MaxValue - 0.5, TimeSpan.FromSeconds(int.MaxValue) - TimeSpan.FromTicks(1)).ToSummary();

        summary.PointCount.Should().Be(int.MaxValue);
        summary.FeatureCount.Should().Be(int.MaxValue - 1);
        summary.Distance.Should().Be(int.MaxValue - 1, "the total is rounded down");
        summary.ElapsedTime.Should().Be(int.MaxValue - 1);
    }

    [Test]
    public void The_distance_is_rounded_down_once_over_the_total()
    {
        new RouteStatistics(3, 0, 1999.999, TimeSpan.Zero).ToSummary().Distance.Should().Be(1999);
    }
}
