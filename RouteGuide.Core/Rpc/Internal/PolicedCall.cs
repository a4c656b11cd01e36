using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// What <see cref="RouteGuideCallPolicy"/> knows about one call: how many request messages were read,
/// which exception (if any) the request or response stream itself threw, and the token that ends the
/// request stream's reads when the server starts shutting down.
/// </summary>
internal sealed class PolicedCall(ServerCallContext context, string requestType, Func<ServerCallContext, bool>? requestComplete, CancellationToken serverStopping) : IDisposable
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
    /// Reads the next request message. With the call's own token (or none), a read that waits for the
    /// client also ends when the server starts shutting down. Once it has, a call whose client has
    /// half-closed is read to its end; any other ends at once. (When the host cannot tell, what is
    /// already buffered is read, and a read that would wait ends.)
    /// </summary>
    public Task<bool> MoveNext<T>(IAsyncStreamReader<T> inner, CancellationToken requested)
    {
        if (!ServerStopping.CanBeCanceled || (requested.CanBeCanceled && requested != Context.CancellationToken))
        {
            return inner.MoveNext(requested);
        }

        if (!ServerStopping.IsCancellationRequested)
        {
            _reads ??= CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, ServerStopping);
            return inner.MoveNext(_reads.Token);
        }

        if (requestComplete is not null)
        {
            return requestComplete(Context) ? inner.MoveNext(Context.CancellationToken) : Task.FromCanceled<bool>(ServerStopping);
        }

        using var last = CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken);
        var read = inner.MoveNext(last.Token);
        if (!read.IsCompleted)
        {
            last.Cancel();
        }

        return read;
    }

    public void Dispose() => _reads?.Dispose();
}
