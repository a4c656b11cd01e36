using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Notes;

namespace RouteGuide.Core.Tests;

/// <summary>
/// The suite's view of a <see cref="RouteGuideTestHost"/>'s RouteChat notes: the note store the server
/// resolved, when it is the default one in the server's memory. Tests read its count; the package does
/// not surface it, since a store may be shared (Redis) and has no count to give.
/// </summary>
internal static class RouteGuideTestHostNotes
{
    extension(RouteGuideTestHost host)
    {
        /// <summary>Gets RouteChat's note store, which must be the default in-memory one.</summary>
        public InMemoryRouteNoteStore InMemoryNotes
        {
            get
            {
                var store = host.Services.GetRequiredService<IRouteNoteStore>();
                return store as InMemoryRouteNoteStore
                    ?? throw new InvalidOperationException($"The host's {nameof(IRouteNoteStore)} is a {store.GetType().Name}, not the in-memory store.");
            }
        }
    }
}
