namespace RouteGuide.Core.Tests.Harness;

/// <summary>
/// The one rule for a test that needs a tool from outside .NET (a language toolchain, a server): on a
/// developer's machine without it the test is ignored, with the reason; in CI (environment variable
/// <c>CI=true</c>), where <c>.ci/run</c> installs every such tool, it fails instead, so that a missing
/// tool can never turn into a green run that tested nothing.
/// </summary>
internal static class RequiredTool
{
    /// <summary>Whether this run is CI's: the <c>CI</c> environment variable is <c>true</c> (any case) or <c>1</c>.</summary>
    public static bool InContinuousIntegration =>
        Environment.GetEnvironmentVariable("CI") is { } value
        && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    /// <summary>Ends the test: ignored with <paramref name="reason"/> on a developer's machine, failed in CI.</summary>
    public static void Missing(string reason)
    {
        if (InContinuousIntegration)
        {
            Assert.Fail($"{reason} CI=true, so a missing tool fails the run instead of skipping tests (.ci/run installs it).");
        }

        Assert.Ignore(reason);
    }

    /// <summary>The full path of an executable found on the PATH, or <see langword="null"/>.</summary>
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
