using System.Globalization;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Cli;

/// <summary>A route summary as a person reads it.</summary>
internal static class SummaryText
{
    /// <summary>Writes the summary as a few aligned lines.</summary>
    public static void Write(TextWriter output, RouteSummary summary)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine("Route summary:");
        output.WriteLine(string.Create(culture, $"  points            {summary.PointCount:N0}"));
        output.WriteLine(string.Create(culture, $"  features passed   {summary.FeatureCount:N0}"));
        output.WriteLine(string.Create(culture, $"  distance          {summary.Distance / 1000.0:N1} km ({summary.Distance:N0} m)"));
        output.WriteLine(string.Create(culture, $"  elapsed           {summary.ElapsedTime:N0} s"));
    }
}
