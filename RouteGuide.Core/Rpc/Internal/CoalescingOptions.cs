namespace RouteGuide.Core.Rpc.Internal;

/// <summary>How <see cref="CoalescingHandler"/> buffers a RecordRoute request body.</summary>
internal sealed record CoalescingOptions
{
    /// <summary>The defaults: a 32 KiB buffer (two 16 KiB HTTP/2 DATA frames) and a 1 ms flush delay for a writer that keeps writing.</summary>
    public static CoalescingOptions Default { get; } = new();

    /// <summary>The fixed size of each call's buffer, in bytes: the most a call ever holds.</summary>
    public int BufferSize { get; init; } = 32 * 1024;

    /// <summary>How long a message may wait in a partial buffer while the writer keeps writing (a backstop: an idle writer's buffer is sent at once).</summary>
    public TimeSpan FlushDelay { get; init; } = TimeSpan.FromMilliseconds(1);
}
