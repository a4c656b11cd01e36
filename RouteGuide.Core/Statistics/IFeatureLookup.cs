using System.Diagnostics.CodeAnalysis;

namespace RouteGuide.Core.Statistics;

/// <summary>Finds known features by location.</summary>
/// <remarks>
/// <see cref="FeatureCatalog"/> is the built-in implementation; a host can implement this interface
/// over its own store. Implementations must be safe to call from many threads at once, and <see
/// cref="TryGetFeature"/> is on the hot path of every recorded point: it should answer in O(1) and
/// allocate nothing. A location holds at most one feature.
/// </remarks>
public interface IFeatureLookup
{
    /// <summary>Finds the feature at exactly <paramref name="location"/> (equal E7 values, no tolerance).</summary>
    /// <param name="location">The location to look up.</param>
    /// <param name="feature">The feature there, when there is one.</param>
    /// <returns><see langword="true"/> when a feature is at that location.</returns>
    bool TryGetFeature(GeoPoint location, [MaybeNullWhen(false)] out CatalogFeature feature);

    /// <summary>
    /// Every feature inside the box spanned by two opposite corners, given in either order,
    /// edges included. The box does not wrap around the antimeridian.
    /// </summary>
    /// <param name="corner">One corner.</param>
    /// <param name="oppositeCorner">The opposite corner.</param>
    /// <returns>The features inside, in no promised order.</returns>
    IEnumerable<CatalogFeature> GetFeaturesWithin(GeoPoint corner, GeoPoint oppositeCorner);
}
