namespace RouteGuide.Core.Redis;

/// <summary>
/// The Lua script that posts one note, atomically: it reads the earlier notes at the note's location,
/// stores the note, and evicts what the caps require, all in one step that no other post can interleave.
/// </summary>
/// <remarks>
/// <para>
/// Keys (all under one hash tag, so they live in one slot): <c>{prefix}:at:LAT:LON</c>, a list of the
/// notes at a location, oldest first, each stored as <c>SEQ:MESSAGE</c>; <c>{prefix}:order</c>, a sorted
/// set of every stored note as <c>SEQ:LAT:LON</c> scored by <c>SEQ</c>, for evicting the oldest overall;
/// and <c>{prefix}:seq</c>, the counter that numbers notes in posting order.
/// </para>
/// <para>
/// The oldest note overall is always the head of its location's list (a location's list is in posting
/// order), so evicting it is a <c>ZPOPMIN</c> and an <c>LPOP</c>; evicting a location's oldest note for
/// the per-location cap removes its entry from the sorted set. Both are O(log n).
/// </para>
/// </remarks>
internal static class PostNoteScript
{
    // KEYS[1] the location's list, KEYS[2] the order set, KEYS[3] the counter.
    // ARGV[1] the message, ARGV[2] the cap per location, ARGV[3] the cap in all,
    // ARGV[4] the location as LAT:LON, ARGV[5] the prefix of location lists.
    public const string Text = """
        local earlier = redis.call('LRANGE', KEYS[1], 0, -1)
        local seq = redis.call('INCR', KEYS[3])
        redis.call('RPUSH', KEYS[1], seq .. ':' .. ARGV[1])
        redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[4])
        if #earlier >= tonumber(ARGV[2]) then
          local dropped = redis.call('LPOP', KEYS[1])
          redis.call('ZREM', KEYS[2], string.match(dropped, '^%d+') .. ':' .. ARGV[4])
        end
        local total = tonumber(ARGV[3])
        while redis.call('ZCARD', KEYS[2]) > total do
          local oldest = redis.call('ZPOPMIN', KEYS[2])
          redis.call('LPOP', ARGV[5] .. string.match(oldest[1], '^%d+:(.*)$'))
        end
        return earlier
        """;
}
