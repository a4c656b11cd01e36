namespace RouteGuide.Core.Statistics;

/// <summary>Something known at an exact location: a landmark, an address, or an unnamed place.</summary>
public sealed record CatalogFeature
{
    /// <summary>Creates a feature.</summary>
    /// <param name="name">The name; empty for an unnamed place (the reference database has such entries).</param>
    /// <param name="location">Where the feature is.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public CatalogFeature(string name, GeoPoint location)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Location = location;
    }

    /// <summary>The feature's name, never <see langword="null"/>; empty when the place is unnamed.</summary>
    public string Name { get; }

    /// <summary>The feature's exact location.</summary>
    public GeoPoint Location { get; }

    /// <summary>Whether the feature has a non-empty name.</summary>
    public bool IsNamed => Name.Length > 0;
}
