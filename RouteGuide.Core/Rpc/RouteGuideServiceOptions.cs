namespace RouteGuide.Core.Rpc;

/// <summary>Limits of <see cref="RouteGuideService"/> and its calls.</summary>
/// <remarks>
/// The defaults suit a public server. The call limits (<see cref="IdleTimeout"/>, <see cref="MaxRouteDuration"/>,
/// <see cref="MaxRoutePoints"/>) are enforced by <see cref="RouteGuideCallPolicy"/>, which reads these options; see docs/operations.md.
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

    /// <summary>
    /// A RecordRoute or RouteChat call that sends no message for this long ends with
    /// <c>DeadlineExceeded</c> (default 60 seconds; <see cref="Timeout.InfiniteTimeSpan"/> turns it off).
    /// </summary>
    /// <remarks>
    /// The reference clients of every gRPC language send a point at most every 1.5 seconds, and a device
    /// streaming its position sends one every few seconds: 60 seconds is 40 times that, yet an idle
    /// stream (about 15 kB of server memory) is released within 75 seconds. The call is checked a few
    /// times per timeout, with no work per message, so it ends between 1 and 1.25 timeouts after its
    /// last message. A client that pauses longer should send each part of its route as its own call.
    /// </remarks>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A RecordRoute call still streaming after this long ends with <c>ResourceExhausted</c>
    /// (default 1 hour; <see cref="Timeout.InfiniteTimeSpan"/> turns it off).
    /// </summary>
    /// <remarks>
    /// With the idle timeout alone, a client sending one point a minute could hold a call forever.
    /// An hour covers any journey a client records in one piece while bounding how long a trickle
    /// holds a stream (and outlives a server's deployment); a longer journey is recorded as several
    /// routes. Checked with the idle timeout, so it ends within a quarter of the shorter limit after it passes.
    /// </remarks>
    public TimeSpan MaxRouteDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The most points one RecordRoute call may send (default and maximum <see cref="int.MaxValue"/>);
    /// the next point ends the call with <c>ResourceExhausted</c>.
    /// </summary>
    /// <remarks>
    /// A route's memory does not grow with its points, so the default is the largest count the wire's
    /// <c>RouteSummary</c> (32-bit fields) reports exactly: past it the summary would have to saturate,
    /// and a route is refused rather than misreported. At the recorder's 8–12 million points a second
    /// one call reaches it in a few minutes; lower it to bound the CPU one call may take.
    /// </remarks>
    public long MaxRoutePoints { get; init; } = int.MaxValue;

    internal void Validate()
    {
        ValidateTimeout(IdleTimeout, nameof(IdleTimeout));
        ValidateTimeout(MaxRouteDuration, nameof(MaxRouteDuration));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxRoutePoints);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRoutePoints, int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNotesPerLocation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNotes);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxNoteMessageLength);
    }

    /// <summary>The longest finite call limit: what a timer can wait for.</summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value > MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be more than zero and at most {MaxTimeout}, or Timeout.InfiniteTimeSpan.");
        }
    }
}
