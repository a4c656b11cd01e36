namespace RouteGuide.Core.Notes;

/// <summary>Thrown by an <see cref="IRouteNoteStore"/> that cannot reach where it keeps its notes.</summary>
/// <remarks>
/// <see cref="Rpc.RouteGuideCallPolicy"/> reports it to the client as <c>Unavailable</c> ("the note store
/// is unreachable"), which clients may retry, and logs it as a warning with this exception's details; the
/// other methods are unaffected.
/// </remarks>
public sealed class RouteNoteStoreUnavailableException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public RouteNoteStoreUnavailableException()
        : base("The note store is unreachable.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be reached, e.g. the store's address.</param>
    public RouteNoteStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be reached, e.g. the store's address.</param>
    /// <param name="innerException">The store client's own exception.</param>
    public RouteNoteStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
