using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Cli;

/// <summary><c>serve</c>'s call log: one line per call, with its outcome, duration and peer.</summary>
internal sealed partial class CallLoggingInterceptor(ILoggerFactory loggerFactory) : Interceptor
{
    /// <summary>The log category of the call lines.</summary>
    public const string Category = "RouteGuide.Calls";

    private readonly ILogger _logger = loggerFactory.CreateLogger(Category);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        LoggedAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        LoggedAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        LoggedAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return string.Empty;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        LoggedAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return string.Empty;
        });

    private async Task<T> LoggedAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await call();
            var result = response is RouteSummary summary
                ? $": {Quantity.Of(summary.PointCount, "point")}, {Quantity.Of(summary.FeatureCount, "feature")}, {summary.Distance} m"
                : string.Empty;
            LogCompleted(_logger, method, context.Peer, Stopwatch.GetElapsedTime(started).TotalMilliseconds, result);
            return response;
        }
        catch (RpcException e)
        {
            LogFailed(_logger, method, context.Peer, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.StatusCode, e.Status.Detail);
            throw;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "{Method} from {Peer} OK in {ElapsedMilliseconds:F1} ms{Result}")]
    private static partial void LogCompleted(ILogger logger, string method, string peer, double elapsedMilliseconds, string result);

    [LoggerMessage(2, LogLevel.Information, "{Method} from {Peer} ended with {Status} in {ElapsedMilliseconds:F1} ms: {Detail}")]
    private static partial void LogFailed(ILogger logger, string method, string peer, double elapsedMilliseconds, StatusCode status, string detail);
}
