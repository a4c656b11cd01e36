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
        var (token, refused, bufferedOnly) = ReadRule(requested);
        if (refused)
        {
            return Task.FromCanceled<bool>(token);
        }

        if (!bufferedOnly)
        {
            return inner.MoveNext(token);
        }

        using var last = CancellationTokenSource.CreateLinkedTokenSource(token);
        var read = inner.MoveNext(last.Token);
        if (!read.IsCompleted)
        {
            last.Cancel();
        }

        return read;
    }

    /// <summary>Reads the next batch of RecordRoute points, by the same rules as <see cref="MoveNext{T}"/>.</summary>
    public ValueTask<ReadOnlyMemory<WirePoint>> ReadBatchAsync(IPointBatchReader inner, CancellationToken requested)
    {
        var (token, refused, bufferedOnly) = ReadRule(requested);
        if (refused)
        {
            return ValueTask.FromCanceled<ReadOnlyMemory<WirePoint>>(token);
        }

        if (!bufferedOnly)
        {
            return inner.ReadBatchAsync(token);
        }

        using var last = CancellationTokenSource.CreateLinkedTokenSource(token);
        var read = inner.ReadBatchAsync(last.Token);
        if (!read.IsCompleted)
        {
            last.Cancel();
        }

        return read;
    }

    /// <summary>
    /// How the next read goes: with which token, refused at once (the server is shutting down and the
    /// client has not half-closed), or only as far as what is already buffered (the host cannot tell).
    /// </summary>
    private (CancellationToken Token, bool Refused, bool BufferedOnly) ReadRule(CancellationToken requested)
    {
        if (!ServerStopping.CanBeCanceled || (requested.CanBeCanceled && requested != Context.CancellationToken))
        {
            return (requested, false, false);
        }

        if (!ServerStopping.IsCancellationRequested)
        {
            _reads ??= CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, ServerStopping);
            return (_reads.Token, false, false);
        }

        if (requestComplete is not null)
        {
            return requestComplete(Context) ? (Context.CancellationToken, false, false) : (ServerStopping, true, false);
        }

        return (Context.CancellationToken, false, true);
    }

    public void Dispose() => _reads?.Dispose();
}
