using System.Globalization;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Rpc;
using StackExchange.Redis;

namespace RouteGuide.Core.Redis;

/// <summary>
/// An <see cref="IRouteNoteStore"/> in Redis, shared by every server that uses the same Redis and key
/// prefix. Each post is one Lua script (<see cref="PostNoteScript"/>), so the caps hold atomically
/// whatever number of servers post at once.
/// </summary>
/// <remarks>
/// The connection is opened on the first post and kept open; while Redis cannot be reached, posts fail at
/// once with <see cref="RouteNoteStoreUnavailableException"/> (commands are not queued), and the
/// connection is retried in the background, so posts succeed again as soon as Redis is back.
/// </remarks>
internal sealed class RedisRouteNoteStore : IRouteNoteStore, IAsyncDisposable, IDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly object _gate = new();
    private Task<ConnectionMultiplexer>? _connection;
    private readonly string _where;
    private readonly RedisKey _order;
    private readonly RedisKey _sequence;
    private readonly string _locationPrefix;
    private readonly RedisValue _maxPerLocation;
    private readonly RedisValue _maxTotal;

    public RedisRouteNoteStore(ConfigurationOptions configuration, RouteGuideRedisNotesOptions options, RouteGuideServiceOptions caps)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(caps);
        options.Validate();
        var tagged = "{" + options.KeyPrefix + "}";
        _order = tagged + ":order";
        _sequence = tagged + ":seq";
        _locationPrefix = tagged + ":at:";
        _maxPerLocation = caps.MaxNotesPerLocation;
        _maxTotal = caps.MaxNotes;
        _where = string.Join(", ", configuration.EndPoints.Select(endpoint => endpoint.ToString()));
        _configuration = configuration;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<LocationNote>> PostAsync(LocationNote note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(note);
        cancellationToken.ThrowIfCancellationRequested();
        var location = string.Create(CultureInfo.InvariantCulture, $"{note.Location.Latitude}:{note.Location.Longitude}");
        RedisResult result;
        try
        {
            var connection = await ConnectAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            result = await connection.GetDatabase().ScriptEvaluateAsync(
                PostNoteScript.Text,
                [_locationPrefix + location, _order, _sequence],
                [note.Message, _maxPerLocation, _maxTotal, location, _locationPrefix]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            throw new RouteNoteStoreUnavailableException($"The Redis note store at {_where} is unreachable: {e.Message}", e);
        }

        var entries = (RedisValue[])result!;
        var earlier = new LocationNote[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            // Each entry is SEQ:MESSAGE; the message may itself contain colons.
            var entry = (string)entries[i]!;
            earlier[i] = new LocationNote(note.Location, entry[(entry.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        }

        return earlier;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _connection) is { IsCompletedSuccessfully: true } connection)
        {
            await connection.Result.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Volatile.Read(ref _connection) is { IsCompletedSuccessfully: true } connection)
        {
            connection.Result.Dispose();
        }
    }

    /// <summary>
    /// The connection, opened on first use. Once open it reconnects by itself; an attempt that failed
    /// outright is not kept, so the next post tries again.
    /// </summary>
    private Task<ConnectionMultiplexer> ConnectAsync()
    {
        lock (_gate)
        {
            if (_connection is null || _connection.IsFaulted || _connection.IsCanceled)
            {
                _connection = ConnectionMultiplexer.ConnectAsync(_configuration);
            }

            return _connection;
        }
    }

    /// <summary>
    /// Whether a failure means Redis cannot serve the post now (no connection, a timeout, a server that is
    /// loading its data, a replica that lost its primary), as opposed to a bug or misuse of the keys.
    /// </summary>
    private static bool IsUnreachable(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal),
        _ => false,
    };
}
