using RouteGuide.Core.Statistics;

namespace RouteGuide.Core.Notes;

/// <summary>A RouteChat note as a note store keeps it: where it was left and what it says.</summary>
/// <remarks>
/// Only the location and the message are kept; whatever else a client sent with the note (unknown
/// protobuf fields) is not, so a stored note costs no more than these two.
/// </remarks>
public sealed record LocationNote
{
    /// <summary>Creates a note.</summary>
    /// <param name="location">Where the note was left.</param>
    /// <param name="message">What it says; may be empty.</param>
    public LocationNote(GeoPoint location, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Location = location;
        Message = message;
    }

    /// <summary>Where the note was left.</summary>
    public GeoPoint Location { get; }

    /// <summary>What the note says; may be empty, never <see langword="null"/>.</summary>
    public string Message { get; }
}
