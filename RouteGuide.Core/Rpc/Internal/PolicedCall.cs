using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// What <see cref="RouteGuideCallPolicy"/> knows about one call: how many request messages were read,
/// which exception (if any) the request or response stream itself threw, and the token that ends the
/// request stream's reads when the server starts shutting down.
/// </summary>
internal sealed class PolicedCall(ServerCallContext context, string requestType, CancellationToken serverStopping) : IDisposable
{
    private CancellationTokenSource? _reads;

    public ServerCallContext Context { get; } = context;

    public CancellationToken ServerStopping { get; } = serverStopping;

    /// <summary>The request message type's name, for error messages.</summary>
    public string RequestType { get; } = requestType;

    /// <summary>The method's short name, as in "RecordRoute".</summary>
    public string MethodName => Context.Method[(Context.Method.LastIndexOf('/') + 1)..];

    /// <summary>The number of request messages read; also the index of the next one.</summary>
    public long MessagesRead { get; set; }

    /// <summary>The exception the request stream threw, if it threw one.</summary>
    public Exception? ReadFailure { get; set; }

    /// <summary>The exception the response stream threw, if it threw one (the client went away).</summary>
    public Exception? WriteFailure { get; set; }

    /// <summary>
    /// The token a read waits with: the one the handler gave, and when that is the call's own token
    /// (or none), one that is also cancelled when the server starts shutting down.
    /// </summary>
    public CancellationToken ReadToken(CancellationToken requested)
    {
        if (!ServerStopping.CanBeCanceled || (requested.CanBeCanceled && requested != Context.CancellationToken))
        {
            return requested;
        }

        _reads ??= CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, ServerStopping);
        return _reads.Token;
    }

    public void Dispose() => _reads?.Dispose();
}
