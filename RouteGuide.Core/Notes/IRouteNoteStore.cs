using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.Notes;

/// <summary>Where RouteChat keeps its notes: each note posted is stored and answered with the notes left at its location before it.</summary>
/// <remarks>
/// <para>
/// The default store lives in the server's memory, so each server instance has its own notes. For a fleet
/// of instances that share their notes, register a shared store instead (the RouteGuide.Core.Redis package
/// has one), before or after <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>.
/// </para>
/// <para>
/// Every store has the same semantics: the earlier notes come back in the order they were posted; at most
/// <see cref="RouteGuideServiceOptions.MaxNotesPerLocation"/> notes are kept at a location and
/// <see cref="RouteGuideServiceOptions.MaxNotes"/> in all, the oldest (at that location, or anywhere) being
/// forgotten to make room; and each post, with the evictions it causes, is atomic. A store that cannot be
/// reached throws <see cref="RouteNoteStoreUnavailableException"/>, which <see cref="RouteGuideCallPolicy"/>
/// reports to the client as <c>Unavailable</c>.
/// </para>
/// </remarks>
public interface IRouteNoteStore
{
    /// <summary>Stores <paramref name="note"/> and returns the notes left at its location before it, oldest first.</summary>
    /// <param name="note">The note to store.</param>
    /// <param name="cancellationToken">Abandons the post; the note may or may not have been stored.</param>
    /// <returns>The earlier notes at the note's location, in posting order; empty when there are none.</returns>
    /// <exception cref="RouteNoteStoreUnavailableException">The store cannot be reached.</exception>
    ValueTask<IReadOnlyList<LocationNote>> PostAsync(LocationNote note, CancellationToken cancellationToken = default);
}
