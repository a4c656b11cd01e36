namespace RouteGuide.Core.Statistics;

/// <summary>Which catalog entries count as features passed.</summary>
public enum FeatureCounting
{
    /// <summary>Every catalog entry counts, named or not. This is what the Go reference server does.</summary>
    AllEntries = 0,

    /// <summary>Only entries with a non-empty name count, as in the Java, C# and Node examples.</summary>
    NamedOnly = 1,
}

/// <summary>Options for <see cref="RouteRecorder"/>.</summary>
public sealed record RouteRecorderOptions
{
    /// <summary>The options every recorder uses unless told otherwise: the Go server's behaviour.</summary>
    public static RouteRecorderOptions Default { get; } = new();

    /// <summary>Which catalog entries count as features passed; <see cref="FeatureCounting.AllEntries"/> by default.</summary>
    public FeatureCounting FeatureCounting { get; init; } = FeatureCounting.AllEntries;
}
