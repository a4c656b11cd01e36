using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuideBase = RouteGuide.Core.Protocol.RouteGuide.RouteGuideBase;

namespace RouteGuide.Core.Rpc;

/// <summary>
/// The RouteGuide service: <c>RecordRoute</c> over an <see cref="IRouteRecorder"/> per call, and
/// <c>GetFeature</c>, <c>ListFeatures</c> and <c>RouteChat</c> over an <see cref="IFeatureLookup"/>,
/// so that a RouteGuide client written in any language runs against it unchanged. It depends only on
/// Grpc.Core.Api, so any gRPC host can serve it (in ASP.NET Core: <c>MapGrpcService&lt;RouteGuideService&gt;()</c>).
/// </summary>
/// <remarks>
/// <para>
/// Host one instance for the whole server (a singleton, as <see cref="RouteGuideServiceCollectionExtensions.AddRouteGuide"/>
/// registers it): RouteChat's notes live in the instance. Everything else is per call.
/// </para>
/// <para>
/// Errors reach the client as gRPC statuses: an out-of-range point or a missing field is
/// <see cref="StatusCode.InvalidArgument"/> with a message naming the point; a request message that
/// cannot be read (not valid protobuf, or a length prefix over 2 GiB) is <see cref="StatusCode.Internal"/>,
/// as gRPC reports request parse errors, naming the message's index and logged as the client's fault,
/// not as a server error (a length prefix over 2 GiB is answered within half a second: the host reports
/// it as a broken stream, as it does a client's reset, and the service waits that long for a
/// cancellation before it calls it unreadable); a cancelled call ends promptly as
/// <see cref="StatusCode.Cancelled"/> (or <see cref="StatusCode.DeadlineExceeded"/> when the call is
/// cancelled within a second of its deadline, or within a fifth of its timeout if that is shorter,
/// which is how a client's own deadline reaches the server) without logging an error; any other failure,
/// including an <see cref="IOException"/> from the host's own <see cref="IFeatureLookup"/> or recorder, is
/// logged and reaches the client as <see cref="StatusCode.Internal"/> with no internal details.
/// </para>
/// </remarks>
public sealed class RouteGuideService : RouteGuideBase
{
    /// <summary>
    /// A call cancelled less than this before its deadline is counted as having passed its deadline,
    /// unless a fifth of the call's whole timeout is less (see <see cref="NearDeadline"/>).
    /// </summary>
    private static readonly TimeSpan DeadlineTolerance = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a broken request stream waits for the host to report that the client cancelled the call
    /// (Kestrel reports it within milliseconds of the stream's reset).
    /// </summary>
    private static readonly TimeSpan CancellationReportWait = TimeSpan.FromMilliseconds(500);

    private readonly IFeatureLookup _features;
    private readonly IRouteRecorderFactory _recorders;
    private readonly RouteGuideServiceOptions _options;
    private readonly ILogger _logger;
    private readonly RouteNoteBoard _notes;
    private int _activeCalls;

    /// <summary>Creates the service.</summary>
    /// <param name="features">The features that <c>GetFeature</c> and <c>ListFeatures</c> serve.</param>
    /// <param name="recorders">Starts a recorder for each <c>RecordRoute</c> call.</param>
    /// <param name="options">Limits; <see cref="RouteGuideServiceOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="logger">A logger; none when <see langword="null"/>.</param>
    public RouteGuideService(
        IFeatureLookup features,
        IRouteRecorderFactory recorders,
        RouteGuideServiceOptions? options = null,
        ILogger<RouteGuideService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(recorders);
        _features = features;
        _recorders = recorders;
        _options = options ?? RouteGuideServiceOptions.Default;
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _notes = new RouteNoteBoard(_options.MaxNotesPerLocation, _options.MaxNotes);
    }

    /// <summary>
    /// Reads RecordRoute's points in batches when the host allows it (set by <c>AddRouteGuide</c> from
    /// the container); <see langword="null"/>: one message at a time from the host's request stream.
    /// </summary>
    internal IPointBatchReaderFactory? BatchReaders { get; init; }

    /// <summary>The number of calls, of any method, that this instance is handling right now.</summary>
    public int ActiveCalls => Volatile.Read(ref _activeCalls);

    /// <summary>The number of RouteChat notes held right now (never more than <see cref="RouteGuideServiceOptions.MaxNotes"/>).</summary>
    public int StoredNoteCount => _notes.Count;

    /// <inheritdoc />
    public override Task<RouteSummary> RecordRoute(IAsyncStreamReader<Point> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        return Guard(nameof(RecordRoute), context, started => RecordRouteCore(requestStream, context, started));
    }

    /// <inheritdoc />
    public override Task<Feature> GetFeature(Point request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Guard(nameof(GetFeature), context, _ =>
        {
            var location = Require(request, "the requested point");
            return Task.FromResult(_features.TryGetFeature(location, out var feature)
                ? feature.ToFeature()
                : new Feature { Name = string.Empty, Location = location.ToPoint() });
        });
    }

    /// <inheritdoc />
    public override Task ListFeatures(Rectangle request, IServerStreamWriter<Feature> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        return Guard(nameof(ListFeatures), context, async _ =>
        {
            var corner = Require(request.Lo, "the rectangle's corner lo");
            var opposite = Require(request.Hi, "the rectangle's corner hi");
            foreach (var feature in _features.GetFeaturesWithin(corner, opposite))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await responseStream.WriteAsync(feature.ToFeature()).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new StreamBrokenException(e);
                }
            }

            return true;
        });
    }

    /// <inheritdoc />
    public override Task RouteChat(IAsyncStreamReader<RouteNote> requestStream, IServerStreamWriter<RouteNote> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        return Guard(nameof(RouteChat), context, async started =>
        {
            long index = 0;
            try
            {
                while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
                {
                    var note = requestStream.Current;
                    var location = Require(note.Location, $"the location of note {index}");
                    if (note.Message.Length > _options.MaxNoteMessageLength)
                    {
                        throw new RpcException(new Status(
                            StatusCode.InvalidArgument,
                            $"Note {index} has a message of {note.Message.Length} characters; the limit is {_options.MaxNoteMessageLength}."));
                    }

                    // A fresh copy is stored, not the parsed message: the note's unknown fields (and its
                    // location's) are dropped, so a stored note costs no more than its location and message.
                    var stored = new RouteNote
                    {
                        Location = new Point { Latitude = location.Latitude, Longitude = location.Longitude },
                        Message = note.Message,
                    };
                    foreach (var earlier in _notes.Post(location.ScrambledKey, stored))
                    {
                        try
                        {
                            await responseStream.WriteAsync(earlier).ConfigureAwait(false);
                        }
                        catch (IOException e)
                        {
                            throw new StreamBrokenException(e);
                        }
                    }

                    index++;
                }
            }
            catch (InvalidProtocolBufferException e) when (!context.CancellationToken.IsCancellationRequested)
            {
                throw UnreadableRequest(nameof(RouteChat), index, nameof(RouteNote), e);
            }
            catch (IOException e)
            {
                throw await RequestStreamBrokenAsync(nameof(RouteChat), index, nameof(RouteNote), e, context, started).ConfigureAwait(false);
            }

            return true;
        });
    }

    private async Task<RouteSummary> RecordRouteCore(IAsyncStreamReader<Point> requestStream, ServerCallContext context, DateTime started)
    {
        var recorder = _recorders.StartRoute();
        var cancellationToken = context.CancellationToken;

        // Set while the recorder (which may be the host's own) has the point, so that its exceptions are
        // never taken for the request stream's.
        var recording = false;
        try
        {
            // The same loop whichever way the host lets the points be read (see IPointBatchReader).
            var points = BatchReaders?.TryCreate(requestStream, context) ?? new StreamPointBatchReader(requestStream);
            for (var batch = await points.ReadBatchAsync(cancellationToken).ConfigureAwait(false);
                 !batch.IsEmpty;
                 batch = await points.ReadBatchAsync(cancellationToken).ConfigureAwait(false))
            {
                recording = true;
                try
                {
                    foreach (var point in batch.Span)
                    {
                        recorder.Record(point.Latitude, point.Longitude);
                    }
                }
                catch (ArgumentOutOfRangeException e)
                {
                    Log.RouteRejected(_logger, e.Message);
                    throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
                }

                recording = false;
            }
        }
        catch (InvalidProtocolBufferException e) when (!recording && !cancellationToken.IsCancellationRequested)
        {
            throw UnreadableRequest(nameof(RecordRoute), recorder.PointCount, nameof(Point), e);
        }
        catch (InvalidDataException e) when (!recording)
        {
            // A message header no gRPC client writes (a compressed flag other than 0 or 1).
            throw UnreadableRequest(nameof(RecordRoute), recorder.PointCount, nameof(Point), e);
        }
        catch (IOException e) when (!recording)
        {
            throw await RequestStreamBrokenAsync(nameof(RecordRoute), recorder.PointCount, nameof(Point), e, context, started).ConfigureAwait(false);
        }

        var statistics = recorder.GetStatistics();
        Log.RouteRecorded(_logger, statistics.PointCount, statistics.FeatureCount, statistics.DistanceMetres, statistics.Elapsed.TotalSeconds);
        return statistics.ToSummary();
    }

    /// <summary>
    /// Whether a failure means the call was ended from outside: a request or response stream broke (the
    /// client reset it or the connection dropped, which can be seen before the call's token is
    /// cancelled), or the call's token was cancelled (client cancellation, deadline, server shutdown).
    /// An <see cref="IOException"/> from anywhere else (a host's own <see cref="IFeatureLookup"/> or
    /// recorder) while the call is live is a server failure.
    /// </summary>
    private static bool EndedByClient(Exception e, ServerCallContext context) =>
        e is StreamBrokenException
        || (context.CancellationToken.IsCancellationRequested && e is OperationCanceledException or InvalidOperationException or IOException);

    /// <summary>
    /// Whether the call's deadline has passed or is near: less than <see cref="DeadlineTolerance"/> away,
    /// or less than a fifth of the call's whole timeout (measured from <paramref name="started"/>) when
    /// that is shorter, so that a client that cancels a short call early is not reported as a deadline.
    /// </summary>
    private static bool NearDeadline(ServerCallContext context, DateTime started)
    {
        var deadline = context.Deadline;
        if (deadline == DateTime.MaxValue)
        {
            return false;
        }

        var fifthOfTimeout = (deadline - started) / 5;
        var tolerance = fifthOfTimeout < DeadlineTolerance ? fifthOfTimeout : DeadlineTolerance;
        return deadline <= DateTime.UtcNow + tolerance;
    }

    /// <summary>
    /// What a request stream that broke while being read means. When the call's token is cancelled, or
    /// is within <see cref="CancellationReportWait"/> (Kestrel fails the read on the client's reset a
    /// moment before it cancels the token), or the deadline is near: the call was ended from outside. If
    /// not, the stream could not be read (Grpc.AspNetCore reports a length prefix over 2 GiB this way).
    /// </summary>
    private async Task<Exception> RequestStreamBrokenAsync(
        string method, long index, string messageType, IOException e, ServerCallContext context, DateTime started)
    {
        var token = context.CancellationToken;
        if (token.IsCancellationRequested
            || NearDeadline(context, started)
            || await IsCancelledWithinAsync(CancellationReportWait, token).ConfigureAwait(false))
        {
            return new StreamBrokenException(e);
        }

        return UnreadableRequest(method, index, messageType, e);
    }

    private static async Task<bool> IsCancelledWithinAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>
    /// A request message that cannot be read: not valid protobuf, or a length prefix no server accepts.
    /// The client's fault, not the server's: logged as information, and <see cref="StatusCode.Internal"/>
    /// (as gRPC reports request parse errors) naming the message.
    /// </summary>
    private RpcException UnreadableRequest(string method, long index, string messageType, Exception e)
    {
        Log.RequestUnreadable(_logger, method, index, e.Message);
        return new RpcException(new Status(
            StatusCode.Internal,
            e is InvalidProtocolBufferException
                ? $"Message {index} of the request stream is not a valid {messageType}."
                : $"Message {index} of the request stream could not be read."));
    }

    private static GeoPoint Require(Point? point, string what) =>
        ProtocolConversions.TryToGeoPoint(point, what, out var location, out var problem)
            ? location
            : throw new RpcException(new Status(StatusCode.InvalidArgument, char.ToUpperInvariant(problem[0]) + problem[1..]));

    /// <summary>Counts the call as active while it runs and turns its failures into gRPC statuses.</summary>
    /// <remarks>The handler is given the time the call started, in UTC.</remarks>
    private async Task<T> Guard<T>(string method, ServerCallContext context, Func<DateTime, Task<T>> handler)
    {
        Interlocked.Increment(ref _activeCalls);
        var started = DateTime.UtcNow;
        try
        {
            return await handler(started).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (Exception e) when (EndedByClient(e, context))
        {
            // The client cancelled, its deadline passed, or the connection went away: not a server error.
            // The client's deadline timer runs a little ahead of the server's (the server starts its own
            // from the timeout it receives), so the client's reset for its deadline may arrive just before
            // the server's deadline: that is the deadline too.
            var status = NearDeadline(context, started)
                ? new Status(StatusCode.DeadlineExceeded, $"{method} passed its deadline.")
                : new Status(StatusCode.Cancelled, $"{method} was cancelled.");
            Log.CallEnded(_logger, method, status.StatusCode.ToString());
            throw new RpcException(status);
        }
        catch (Exception e)
        {
            Log.CallFailed(_logger, e, method);
            throw new RpcException(new Status(StatusCode.Internal, $"{method} failed on the server."));
        }
        finally
        {
            Interlocked.Decrement(ref _activeCalls);
        }
    }

    /// <summary>A request or response stream failed: the client reset it or the connection went away.</summary>
    private sealed class StreamBrokenException(IOException inner) : Exception(inner.Message, inner);
}
