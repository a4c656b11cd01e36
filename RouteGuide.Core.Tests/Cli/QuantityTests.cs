using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

public class QuantityTests
{
    [TestCase(1, "point", null, "1 point")]
    [TestCase(0, "point", null, "0 points")]
    [TestCase(2, "feature", null, "2 features")]
    [TestCase(-1, "second", null, "-1 seconds")]
    [TestCase(1_000_000, "call", null, "1,000,000 calls")]
    [TestCase(1, "entry", "entries", "1 entry")]
    [TestCase(3, "entry", "entries", "3 entries")]
    public void A_count_takes_the_singular_for_one_and_the_plural_otherwise(long count, string singular, string? plural, string expected)
    {
        Quantity.Of(count, singular, plural).Should().Be(expected);
    }
}
