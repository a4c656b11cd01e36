using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuideBase = RouteGuide.Core.Protocol.RouteGuide.RouteGuideBase;

namespace RouteGuide.Core.Rpc;

/// <summary>
/// The RouteGuide service: <c>RecordRoute</c> over an <see cref="IRouteRecorder"/> per call, and
/// <c>GetFeature</c>, <c>ListFeatures</c> and <c>RouteChat</c> over an <see cref="IFeatureLookup"/>, so
/// that a RouteGuide client written in any language runs against it unchanged.
/// </summary>
/// <remarks>
/// <para>
/// It depends only on Grpc.Core.Api, so any gRPC host can serve it.
/// </para>
/// <para>
/// Host one instance for the whole server (a singleton, as <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>
/// registers it). RouteChat's notes live in its <see cref="IRouteNoteStore"/> (by default in this process's
/// memory; a shared store lets a fleet of instances share them); a store that cannot be reached makes
/// RouteChat fail with <see cref="StatusCode.Unavailable"/> (decided by <see cref="RouteGuideCallPolicy"/>).
/// Everything else is per call.
/// </para>
/// <para>
/// Each method reads, validates each message once at the wire boundary (an out-of-range point or a
/// missing field is <see cref="StatusCode.InvalidArgument"/> naming the message and its values), and
/// replies. How a call ends otherwise (a request that cannot be read, a client that went away, the
/// server shutting down, a failure of the host's own recorder or feature store) is decided in one
/// place, <see cref="RouteGuideCallPolicy"/>, which every host must apply (ASP.NET Core hosts do so
/// through <c>AddRouteGuideServer()</c>; other hosts add it as a server interceptor).
/// Deadlines, cancellation and status trailers are the host's.
/// </para>
/// </remarks>
public sealed class RouteGuideService : RouteGuideBase
{
    private readonly IFeatureLookup _features;
    private readonly IRouteRecorderFactory _recorders;
    private readonly RouteGuideServiceOptions _options;
    private readonly IRouteNoteStore _notes;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="features">The features that <c>GetFeature</c> and <c>ListFeatures</c> serve.</param>
    /// <param name="recorders">Starts a recorder for each <c>RecordRoute</c> call.</param>
    /// <param name="options">Limits; <see cref="RouteGuideServiceOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs each route's statistics at Debug; none when <see langword="null"/>.</param>
    /// <param name="notes">Where RouteChat keeps its notes; a store in this process's memory, with the caps of <paramref name="options"/>, when <see langword="null"/>.</param>
    public RouteGuideService(
        IFeatureLookup features,
        IRouteRecorderFactory recorders,
        RouteGuideServiceOptions? options = null,
        ILogger<RouteGuideService>? logger = null,
        IRouteNoteStore? notes = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(recorders);
        _features = features;
        _recorders = recorders;
        _options = options ?? RouteGuideServiceOptions.Default;
        _options.Validate();
        _notes = notes ?? new InMemoryRouteNoteStore(_options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Reads RecordRoute's points in batches when the host allows it (set by <c>AddRouteGuide</c> from
    /// the container); <see langword="null"/>: one message at a time from the host's request stream.
    /// </summary>
    internal IPointBatchReaderFactory? BatchReaders { get; init; }

    /// <inheritdoc />
    public override async Task<RouteSummary> RecordRoute(IAsyncStreamReader<Point> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var recorder = _recorders.StartRoute();
        long index = 0;

        // The same loop whichever way the host lets the points be read (see IPointBatchReader).
        var points = BatchReaders?.TryCreate(requestStream, context) ?? new StreamPointBatchReader(requestStream);
        for (var batch = await points.ReadBatchAsync(context.CancellationToken).ConfigureAwait(false);
             !batch.IsEmpty;
             batch = await points.ReadBatchAsync(context.CancellationToken).ConfigureAwait(false))
        {
            var span = batch.Span;
            for (var i = 0; i < span.Length; i++)
            {
                var point = span[i];
                if (!GeoPoint.IsValid(point.Latitude, point.Longitude))
                {
                    points.Unread(span.Length - i - 1);
                    throw Invalid($"Point {index} of the route (zero-based index): {GeoPoint.DescribeRangeError(point.Latitude, point.Longitude)}");
                }

                recorder.Record(point.Latitude, point.Longitude);
                index++;
            }
        }

        var statistics = recorder.GetStatistics();
        Log.RouteRecorded(_logger, statistics.PointCount, statistics.FeatureCount, statistics.DistanceMetres, statistics.Elapsed.TotalSeconds);
        return statistics.ToSummary();
    }

    /// <inheritdoc />
    public override Task<Feature> GetFeature(Point request, ServerCallContext context)
    {
        var location = Require(request, "the requested point");
        return Task.FromResult(_features.TryGetFeature(location, out var feature)
            ? feature.ToFeature()
            : new Feature { Name = string.Empty, Location = location.ToPoint() });
    }

    /// <inheritdoc />
    public override async Task ListFeatures(Rectangle request, IServerStreamWriter<Feature> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var corner = Require(request.Lo, "the rectangle's corner lo");
        var opposite = Require(request.Hi, "the rectangle's corner hi");
        foreach (var feature in _features.GetFeaturesWithin(corner, opposite))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            await responseStream.WriteAsync(feature.ToFeature()).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task RouteChat(IAsyncStreamReader<RouteNote> requestStream, IServerStreamWriter<RouteNote> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        long index = 0;
        await foreach (var note in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            var location = Require(note.Location, $"the location of note {index}");
            if (note.Message.Length > _options.MaxNoteMessageLength)
            {
                throw Invalid($"Note {index} has a message of {note.Message.Length} characters; the limit is {_options.MaxNoteMessageLength}.");
            }

            var earlierNotes = await _notes.PostAsync(new LocationNote(location, note.Message), context.CancellationToken).ConfigureAwait(false);
            foreach (var earlier in earlierNotes)
            {
                await responseStream.WriteAsync(earlier.ToRouteNote()).ConfigureAwait(false);
            }

            index++;
        }
    }

    private static GeoPoint Require(Point? point, string what) =>
        ProtocolConversions.TryToGeoPoint(point, what, out var location, out var problem)
            ? location
            : throw Invalid(char.ToUpperInvariant(problem[0]) + problem[1..]);

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
