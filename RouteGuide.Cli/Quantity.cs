using System.Globalization;

namespace RouteGuide.Cli;

/// <summary>Counts as a person writes them: "1 point", "0 points", "1,000,000 points".</summary>
internal static class Quantity
{
    /// <summary>
    /// <paramref name="count"/>, with thousands separators, and the noun: <paramref name="singular"/> for one,
    /// otherwise <paramref name="plural"/> (by default the singular with an s).
    /// </summary>
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? singular : plural ?? singular + "s")}");
}
