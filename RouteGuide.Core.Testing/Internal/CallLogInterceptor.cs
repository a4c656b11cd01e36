using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RouteGuide.Core.Testing.Internal;

/// <summary>
/// Records every call the server finishes in a <see cref="CallLog"/>: method, status and how many messages
/// the handler read and sent. Registered first, so it sees the status that every other interceptor let out.
/// </summary>
internal sealed class CallLogInterceptor(CallLog log) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Returned(context, 1, 1);
            return response;
        }
        catch (Exception e)
        {
            Threw(context, e, 1, 0);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var requests = new CountingStreamReader<TRequest>(requestStream);
        try
        {
            var response = await continuation(requests, context).ConfigureAwait(false);
            Returned(context, requests.Count, 1);
            return response;
        }
        catch (Exception e)
        {
            Threw(context, e, requests.Count, 0);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var responses = new CountingStreamWriter<TResponse>(responseStream);
        try
        {
            await continuation(request, responses, context).ConfigureAwait(false);
            Returned(context, 1, responses.Count);
        }
        catch (Exception e)
        {
            Threw(context, e, 1, responses.Count);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var requests = new CountingStreamReader<TRequest>(requestStream);
        var responses = new CountingStreamWriter<TResponse>(responseStream);
        try
        {
            await continuation(requests, responses, context).ConfigureAwait(false);
            Returned(context, requests.Count, responses.Count);
        }
        catch (Exception e)
        {
            Threw(context, e, requests.Count, responses.Count);
            throw;
        }
    }

    private void Returned(ServerCallContext context, long requests, long responses) =>
        log.Add(new ObservedCall(context.Method, context.Status.StatusCode, context.Status.Detail ?? string.Empty, requests, responses));

    private void Threw(ServerCallContext context, Exception e, long requests, long responses) =>
        log.Add(e is RpcException rpc
            ? new ObservedCall(context.Method, rpc.StatusCode, rpc.Status.Detail ?? string.Empty, requests, responses)
            : new ObservedCall(context.Method, StatusCode.Unknown, $"{e.GetType().Name}: {e.Message}", requests, responses));

    /// <summary>Counts the messages a handler reads.</summary>
    private sealed class CountingStreamReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
            if (more)
            {
                Interlocked.Increment(ref _count);
            }

            return more;
        }
    }

    /// <summary>Counts the messages a handler has sent.</summary>
    private sealed class CountingStreamWriter<T>(IServerStreamWriter<T> inner) : IServerStreamWriter<T>
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public async Task WriteAsync(T message)
        {
            await inner.WriteAsync(message).ConfigureAwait(false);
            Interlocked.Increment(ref _count);
        }

        public async Task WriteAsync(T message, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _count);
        }
    }
}
