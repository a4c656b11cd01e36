using Grpc.Core;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// A call's response stream as the handler sees it: a write's failure is remembered, and once the
/// server starts shutting down, writes stop.
/// </summary>
internal sealed class PolicedResponseStream<T>(IServerStreamWriter<T> inner, PolicedCall call) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        call.ServerStopping.ThrowIfCancellationRequested();
        try
        {
            await inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            call.WriteFailure = e;
            throw;
        }
    }
}
