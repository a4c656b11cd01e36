using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.Notes;

/// <summary>
/// The default <see cref="IRouteNoteStore"/>: notes in this process's memory, by location, with a cap per
/// location and a cap in all; past a cap the oldest note (at that location, or anywhere) is forgotten.
/// Thread-safe; each post is atomic.
/// </summary>
internal sealed class InMemoryRouteNoteStore : IRouteNoteStore
{
    private readonly object _gate = new();
    private readonly int _maxPerLocation;
    private readonly int _maxTotal;

    // Keyed by GeoPoint.ScrambledKey: see there for why.
    private readonly Dictionary<long, Queue<LocationNote>> _byLocation = [];

    // Every stored note in arrival order, for evicting the oldest overall. Entries whose note was
    // already evicted by its location's cap are skipped when they reach the front, and the queue is
    // compacted when such stale entries make up half of it, so it stays within 2 × the cap.
    private readonly Queue<(long Key, LocationNote Note)> _arrivals = new();

    // Changed only under the lock, where it may pass the cap for a moment while a note is added;
    // published to readers (Count) only once back within it.
    private int _count;
    private int _publishedCount;

    /// <summary>Creates an empty store with the caps of <paramref name="options"/>.</summary>
    public InMemoryRouteNoteStore(RouteGuideServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _maxPerLocation = options.MaxNotesPerLocation;
        _maxTotal = options.MaxNotes;
    }

    /// <summary>The number of notes held now; never more than the total cap, even while a note is being posted.</summary>
    public int Count => Volatile.Read(ref _publishedCount);

    /// <summary>The number of locations that hold notes now.</summary>
    public int LocationCount
    {
        get
        {
            lock (_gate)
            {
                return _byLocation.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<LocationNote>> PostAsync(LocationNote note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<LocationNote>>(Post(note));
    }

    private LocationNote[] Post(LocationNote note)
    {
        var key = note.Location.ScrambledKey;
        lock (_gate)
        {
            if (!_byLocation.TryGetValue(key, out var notes))
            {
                notes = new Queue<LocationNote>();
                _byLocation.Add(key, notes);
            }

            var earlier = notes.ToArray();
            if (notes.Count == _maxPerLocation)
            {
                notes.Dequeue();
                _count--;
            }

            notes.Enqueue(note);
            _arrivals.Enqueue((key, note));
            _count++;

            while (_count > _maxTotal)
            {
                EvictOldest();
            }

            if (_arrivals.Count > 2 * Math.Max(_count, 16))
            {
                CompactArrivals();
            }

            Volatile.Write(ref _publishedCount, _count);
            return earlier;
        }
    }

    private void EvictOldest()
    {
        while (true)
        {
            var (key, note) = _arrivals.Dequeue();
            if (_byLocation.TryGetValue(key, out var notes) && ReferenceEquals(notes.Peek(), note))
            {
                notes.Dequeue();
                _count--;
                if (notes.Count == 0)
                {
                    _byLocation.Remove(key);
                }

                return;
            }
        }
    }

    private void CompactArrivals()
    {
        var live = new HashSet<LocationNote>(ReferenceEqualityComparer.Instance);
        foreach (var notes in _byLocation.Values)
        {
            live.UnionWith(notes);
        }

        var count = _arrivals.Count;
        for (var i = 0; i < count; i++)
        {
            var entry = _arrivals.Dequeue();
            if (live.Contains(entry.Note))
            {
                _arrivals.Enqueue(entry);
            }
        }
    }
}
