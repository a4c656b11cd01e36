namespace RouteGuide.Core.Tests.Harness;

/// <summary>
/// Where the repository's files are, found from the test assembly's folder (not from compile-time
/// source paths, which deterministic CI builds rewrite to <c>/_/</c>).
/// </summary>
internal static class RepositoryLayout
{
    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>The folder that holds <c>RouteGuide.sln</c>.</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>A path below the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RouteGuide.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"RouteGuide.sln was not found in {AppContext.BaseDirectory} or any folder above it.");
    }
}
