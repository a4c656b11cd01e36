using System.Diagnostics.Metrics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RouteGuide.Core.Notes;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc.Internal;

namespace RouteGuide.Core.Rpc;

/// <summary>
/// How every RouteGuide call ends when it does not simply succeed: the one place that decides the
/// status a failed call gets and what the server logs about it, for all four methods alike.
/// </summary>
/// <remarks>
/// <para>
/// A server interceptor. ASP.NET Core hosts get it from <c>AddRouteGuideServer()</c>, which also links
/// it to the application's shutdown. Other gRPC hosts apply it as they apply any server interceptor
/// (with Grpc.Core, <c>RouteGuide.BindService(service).Intercept(policy)</c>), passing their own
/// shutdown signal to the constructor.
/// </para>
/// <para>
/// The contract (see docs/rpc.md): a request message that cannot be read (not valid protobuf, a
/// corrupt or truncated compressed message, a length prefix no server accepts) is
/// <see cref="StatusCode.Internal"/> naming the message's zero-based index, logged at Information
/// without a stack trace; an <see cref="StatusCode.InvalidArgument"/> from the service is logged at
/// Information; a call its client cancelled, reset or let pass its deadline is logged at Debug (the
/// host has already answered it, or nobody is listening); once the server starts shutting down, a
/// call still reading its request stream ends with <see cref="StatusCode.Unavailable"/>, logged at
/// Information, while calls that already half-closed finish; a <see cref="RouteNoteStoreUnavailableException"/>
/// (RouteChat's note store cannot be reached) is <see cref="StatusCode.Unavailable"/>, which clients may retry,
/// logged as a warning with the store's exception; anything else (a failure of the host's
/// own recorder or feature store included) is logged as an error and is <see cref="StatusCode.Internal"/>
/// with no details. Deadlines, cancellation and status trailers stay the host's.
/// </para>
/// <para>
/// It also enforces the call limits of <see cref="RouteGuideServiceOptions"/>: a RecordRoute or RouteChat
/// call that sends no message for <see cref="RouteGuideServiceOptions.IdleTimeout"/> ends with
/// <see cref="StatusCode.DeadlineExceeded"/>; a RecordRoute call streaming longer than
/// <see cref="RouteGuideServiceOptions.MaxRouteDuration"/> or sending more than
/// <see cref="RouteGuideServiceOptions.MaxRoutePoints"/> points ends with <see cref="StatusCode.ResourceExhausted"/>;
/// each is logged at Information. And it records the <see cref="MeterName"/> meter's instruments, once
/// per call (see docs/operations.md).
/// </para>
/// </remarks>
public sealed class RouteGuideCallPolicy : Interceptor
{
    /// <summary>The name of the meter whose instruments the policy records: <c>RouteGuide.Core</c>.</summary>
    public const string MeterName = "RouteGuide.Core";

    private static readonly Lazy<Meter> SharedMeter = new(() => new Meter(MeterName));

    private readonly ILogger _logger;
    private readonly CancellationToken _serverStopping;
    private readonly Func<ServerCallContext, bool>? _requestComplete;
    private readonly Func<ServerCallContext, Exception?, bool>? _requestAborted;
    private readonly TimeProvider _time;
    private readonly CallLimits _routeLimits;
    private readonly CallLimits _chatLimits;
    private readonly CallMetrics _metrics;

    /// <summary>Creates the policy with the default call limits.</summary>
    /// <param name="logger">Where call endings are logged; nowhere when <see langword="null"/>.</param>
    /// <param name="serverStopping">
    /// Cancelled when the server starts shutting down (in ASP.NET Core, <c>IHostApplicationLifetime.ApplicationStopping</c>):
    /// calls still streaming requests then end with <see cref="StatusCode.Unavailable"/>.
    /// </param>
    public RouteGuideCallPolicy(ILogger<RouteGuideCallPolicy>? logger = null, CancellationToken serverStopping = default)
        : this(RouteGuideServiceOptions.Default, logger, serverStopping: serverStopping)
    {
    }

    /// <summary>Creates the policy.</summary>
    /// <param name="options">The call limits (the service's options).</param>
    /// <param name="logger">Where call endings are logged; nowhere when <see langword="null"/>.</param>
    /// <param name="meterFactory">
    /// Creates the <see cref="MeterName"/> meter (hosts with dependency injection have one); when
    /// <see langword="null"/>, one meter shared by the process is used.
    /// </param>
    /// <param name="timeProvider">The clock of the time limits; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="serverStopping">Cancelled when the server starts shutting down: calls still streaming requests then end with <see cref="StatusCode.Unavailable"/>.</param>
    public RouteGuideCallPolicy(
        RouteGuideServiceOptions options,
        ILogger<RouteGuideCallPolicy>? logger = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken serverStopping = default)
        : this(logger, requestComplete: null, requestAborted: null, options, meterFactory, timeProvider, serverStopping)
    {
    }

    /// <summary>Creates the policy for a host that can tell whether a call's client has half-closed.</summary>
    /// <param name="logger">Where call endings are logged.</param>
    /// <param name="requestComplete">
    /// Whether the whole request stream has arrived (the client half-closed): such a call is read to its
    /// end and answered after shutdown begins; any other call ends with <see cref="StatusCode.Unavailable"/>.
    /// Without it, a call is read on while its next message is already buffered.
    /// </param>
    /// <param name="requestAborted">
    /// Whether the host has seen the call end (the client reset it, its connection went away, or the
    /// host's deadline fired), given the call and the exception its request stream threw, if it threw
    /// one: the host may cancel the call's token only later, while the broken request stream has
    /// already failed the read, so the host tells its transport's failures apart by their type.
    /// </param>
    /// <param name="options">The call limits.</param>
    /// <param name="meterFactory">Creates the meter.</param>
    /// <param name="timeProvider">The clock of the time limits.</param>
    /// <param name="serverStopping">Cancelled when the server starts shutting down.</param>
    internal RouteGuideCallPolicy(
        ILogger<RouteGuideCallPolicy>? logger,
        Func<ServerCallContext, bool>? requestComplete,
        Func<ServerCallContext, Exception?, bool>? requestAborted = null,
        RouteGuideServiceOptions? options = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken serverStopping = default)
    {
        options ??= RouteGuideServiceOptions.Default;
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _serverStopping = serverStopping;
        _requestComplete = requestComplete;
        _requestAborted = requestAborted;
        _time = timeProvider ?? TimeProvider.System;
        _routeLimits = CallLimits.ForRoutes(options);
        _chatLimits = CallLimits.ForChats(options);
        _metrics = new CallMetrics(meterFactory?.Create(new MeterOptions(MeterName)) ?? SharedMeter.Value);
    }

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, TResponse>(context, CallLimits.None, _ => continuation(request, context));

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, TResponse>(context, _routeLimits, call => continuation(new PolicedRequestStream<TRequest>(requestStream, call), context), route: true);

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, bool>(context, CallLimits.None, async call =>
        {
            await continuation(request, new PolicedResponseStream<TResponse>(responseStream, call), context).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, bool>(context, _chatLimits, async call =>
        {
            await continuation(new PolicedRequestStream<TRequest>(requestStream, call), new PolicedResponseStream<TResponse>(responseStream, call), context).ConfigureAwait(false);
            return true;
        });

    /// <summary>Runs a call under its limits, decides how it ends if it fails, and records its metrics.</summary>
    /// <param name="context">The call.</param>
    /// <param name="limits">The call's limits.</param>
    /// <param name="handler">The method, with its streams policed.</param>
    /// <param name="route">Whether the call is a route (RecordRoute, the one client-streaming method): its route metrics are recorded when it ends.</param>
    private async Task<T> PoliceAsync<TRequest, T>(ServerCallContext context, CallLimits limits, Func<PolicedCall, Task<T>> handler, bool route = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var call = new PolicedCall(context, typeof(TRequest).Name, _requestComplete, limits, _time, _serverStopping);
        var method = call.MethodName;
        _metrics.Started(method);
        try
        {
            var response = await handler(call).ConfigureAwait(false);
            if (route && response is RouteSummary summary)
            {
                _metrics.RouteCompleted(call.MessagesRead, summary, call.Elapsed);
            }

            return response;
        }
        catch (Exception e)
        {
            var failure = Decide(call, e);
            if (route)
            {
                _metrics.RouteFailed(call.MessagesRead, failure.StatusCode);
            }

            throw failure;
        }
        finally
        {
            _metrics.Ended(method);
        }
    }

    /// <summary>The status a failed call ends with, logged as the contract says.</summary>
    private RpcException Decide(PolicedCall call, Exception e)
    {
        var method = call.MethodName;
        var fromRequestStream = ReferenceEquals(e, call.ReadFailure);
        if (e is RpcException status)
        {
            if (fromRequestStream && status.StatusCode == StatusCode.Internal)
            {
                return Unreadable(call, $"Message {call.MessagesRead} of the request stream could not be read: {status.Status.Detail}", status.Status.Detail);
            }

            Log.CallRejected(_logger, method, status.Status.Detail, status.StatusCode);
            return status;
        }

        if (call.Context.CancellationToken.IsCancellationRequested || _requestAborted?.Invoke(call.Context, fromRequestStream ? e : null) == true || ReferenceEquals(e, call.WriteFailure)
            || (fromRequestStream && e is RequestStreamAbortedException))
        {
            // The client cancelled or reset the call, the connection went away, or the host's deadline
            // fired (the host has then written DeadlineExceeded already): no status this raises reaches
            // the client, so it only names the ending. Kestrel fails the request stream's read at once
            // when the client resets the stream ("The client reset the request stream.", an IOException)
            // but cancels the call's token later on the thread pool: the host tells such a failure by its
            // type, so it is never taken for a message that could not be read. A batch reader may also
            // report the reset itself (RequestStreamAbortedException): the same ending.
            var code = DateTime.UtcNow >= call.Context.Deadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            Log.CallEndedByClient(_logger, method, code);
            return new RpcException(new Status(code, code == StatusCode.DeadlineExceeded ? $"{method} passed its deadline." : $"{method} was cancelled."));
        }

        if (e is OperationCanceledException && call.LimitReached is CallLimit.Idle or CallLimit.Duration)
        {
            return LimitReached(call);
        }

        if (e is OperationCanceledException && call.ServerStopping.IsCancellationRequested)
        {
            Log.CallEndedByShutdown(_logger, method);
            return new RpcException(new Status(StatusCode.Unavailable, "The server is shutting down; retry the call."));
        }

        if (e is RouteNoteStoreUnavailableException)
        {
            // Not the client's fault and not a bug here: a shared store is down, and a retry may succeed.
            // The store's exception (its address, its client's error) goes to the log only.
            Log.NoteStoreUnavailable(_logger, e, method);
            return new RpcException(new Status(StatusCode.Unavailable, $"{method} failed: the note store is unreachable; try again later."));
        }

        if (fromRequestStream && e is InvalidProtocolBufferException)
        {
            return Unreadable(call, $"Message {call.MessagesRead} of the request stream is not a valid {call.RequestType}.", e.Message);
        }

        if (fromRequestStream && e is IOException or InvalidDataException)
        {
            return Unreadable(call, $"Message {call.MessagesRead} of the request stream could not be read.", e.Message);
        }

        Log.CallFailed(_logger, e, method);
        return new RpcException(new Status(StatusCode.Internal, $"{method} failed on the server."));
    }

    private RpcException LimitReached(PolicedCall call)
    {
        var method = call.MethodName;
        if (call.LimitReached == CallLimit.Idle)
        {
            var idle = call.Limits.IdleTimeout.TotalSeconds;
            Log.CallIdle(_logger, method, idle);
            return new RpcException(new Status(StatusCode.DeadlineExceeded, $"{method} sent no message for {idle:0.###} s, the server's idle timeout; the call was ended."));
        }

        var duration = call.Limits.MaxDuration.TotalSeconds;
        Log.CallTooLong(_logger, method, duration);
        return new RpcException(new Status(StatusCode.ResourceExhausted, $"{method} was still streaming after {duration:0.###} s, the server's limit on one call; send the rest in another call."));
    }

    private RpcException Unreadable(PolicedCall call, string detail, string problem)
    {
        Log.RequestUnreadable(_logger, call.MethodName, call.MessagesRead, problem);
        return new RpcException(new Status(StatusCode.Internal, detail));
    }
}
