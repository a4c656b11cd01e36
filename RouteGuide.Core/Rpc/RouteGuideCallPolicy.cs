using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RouteGuide.Core.Notes;
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
/// </remarks>
public sealed class RouteGuideCallPolicy : Interceptor
{
    private readonly ILogger _logger;
    private readonly CancellationToken _serverStopping;
    private readonly Func<ServerCallContext, bool>? _requestComplete;
    private int _activeCalls;

    /// <summary>Creates the policy.</summary>
    /// <param name="logger">Where call endings are logged; nowhere when <see langword="null"/>.</param>
    /// <param name="serverStopping">
    /// Cancelled when the server starts shutting down (in ASP.NET Core, <c>IHostApplicationLifetime.ApplicationStopping</c>):
    /// calls still streaming requests then end with <see cref="StatusCode.Unavailable"/>.
    /// </param>
    public RouteGuideCallPolicy(ILogger<RouteGuideCallPolicy>? logger = null, CancellationToken serverStopping = default)
        : this(logger, requestComplete: null, serverStopping)
    {
    }

    /// <summary>Creates the policy for a host that can tell whether a call's client has half-closed.</summary>
    /// <param name="logger">Where call endings are logged.</param>
    /// <param name="requestComplete">
    /// Whether the whole request stream has arrived (the client half-closed): such a call is read to its
    /// end and answered after shutdown begins; any other call ends with <see cref="StatusCode.Unavailable"/>.
    /// Without it, a call is read on while its next message is already buffered.
    /// </param>
    /// <param name="serverStopping">Cancelled when the server starts shutting down.</param>
    internal RouteGuideCallPolicy(ILogger<RouteGuideCallPolicy>? logger, Func<ServerCallContext, bool>? requestComplete, CancellationToken serverStopping)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _serverStopping = serverStopping;
        _requestComplete = requestComplete;
    }

    /// <summary>The number of calls, of any method, in progress under this policy right now.</summary>
    public int ActiveCalls => Volatile.Read(ref _activeCalls);

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, TResponse>(context, _ => continuation(request, context));

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, TResponse>(context, call => continuation(new PolicedRequestStream<TRequest>(requestStream, call), context));

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, bool>(context, async call =>
        {
            await continuation(request, new PolicedResponseStream<TResponse>(responseStream, call), context).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        PoliceAsync<TRequest, bool>(context, async call =>
        {
            await continuation(new PolicedRequestStream<TRequest>(requestStream, call), new PolicedResponseStream<TResponse>(responseStream, call), context).ConfigureAwait(false);
            return true;
        });

    private async Task<T> PoliceAsync<TRequest, T>(ServerCallContext context, Func<PolicedCall, Task<T>> handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        Interlocked.Increment(ref _activeCalls);
        using var call = new PolicedCall(context, typeof(TRequest).Name, _requestComplete, _serverStopping);
        try
        {
            return await handler(call).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Decide(call, e);
        }
        finally
        {
            Interlocked.Decrement(ref _activeCalls);
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

        if (call.Context.CancellationToken.IsCancellationRequested || ReferenceEquals(e, call.WriteFailure)
            || (fromRequestStream && e is RequestStreamAbortedException))
        {
            // The client cancelled or reset the call, the connection went away, or the host's deadline
            // fired (the host has then written DeadlineExceeded already): no status this raises reaches
            // the client, so it only names the ending. A host's reader may report the reset before the
            // host cancels the call's token (RequestStreamAbortedException): that is the same ending.
            var code = DateTime.UtcNow >= call.Context.Deadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            Log.CallEndedByClient(_logger, method, code);
            return new RpcException(new Status(code, code == StatusCode.DeadlineExceeded ? $"{method} passed its deadline." : $"{method} was cancelled."));
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

    private RpcException Unreadable(PolicedCall call, string detail, string problem)
    {
        Log.RequestUnreadable(_logger, call.MethodName, call.MessagesRead, problem);
        return new RpcException(new Status(StatusCode.Internal, detail));
    }
}
