namespace RouteGuide.Core.Redis;

/// <summary>Where in Redis RouteChat's notes are kept.</summary>
public sealed class RouteGuideRedisNotesOptions
{
    /// <summary>The prefix of every key the note store uses (default <c>routeguide:notes</c>).</summary>
    /// <remarks>
    /// Servers that share notes use the same prefix; different prefixes keep separate note boards in one
    /// Redis.
    /// The prefix is wrapped in braces, a Redis Cluster hash tag (<c>{routeguide:notes}:order</c>), so that
    /// all of a board's keys live in one slot, as its atomic script needs. It must not contain braces itself.
    /// </remarks>
    public string KeyPrefix { get; set; } = "routeguide:notes";

    internal void Validate()
    {
        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Contains('{', StringComparison.Ordinal) || KeyPrefix.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The Redis key prefix must be non-empty and without braces, not '{KeyPrefix}'.", nameof(KeyPrefix));
        }
    }
}
