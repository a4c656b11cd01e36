namespace RouteGuide.Core.Rpc;

/// <summary>Limits of <see cref="RouteGuideService"/>.</summary>
/// <remarks>
/// The defaults suit a public server.
/// </remarks>
public sealed record RouteGuideServiceOptions
{
    /// <summary>The options used when none are given.</summary>
    public static RouteGuideServiceOptions Default { get; } = new();

    /// <summary>RouteChat keeps at most this many notes per location (default 100).</summary>
    /// <remarks>
    /// Past it, the oldest note at that location is forgotten to make room for the new one.
    /// </remarks>
    public int MaxNotesPerLocation { get; init; } = 100;

    /// <summary>RouteChat keeps at most this many notes in all (default 10,000).</summary>
    /// <remarks>
    /// Past it, the oldest note anywhere is forgotten to make room for the new one.
    /// </remarks>
    public int MaxNotes { get; init; } = 10_000;

    /// <summary>The longest RouteChat message accepted, in UTF-16 characters (default 1,024).</summary>
    /// <remarks>
    /// A longer note fails the RouteChat call with <c>InvalidArgument</c>. A note is stored as its location
    /// and message alone (unknown fields the client sent are dropped), so with <see cref="MaxNotes"/> this
    /// bounds the store: at the defaults, 10,000 notes of at most 1,024 characters, about 20 MiB.
    /// </remarks>
    public int MaxNoteMessageLength { get; init; } = 1_024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNotesPerLocation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNotes);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxNoteMessageLength);
    }
}
