using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>The service's and the call policy's log messages, generated at compile time.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "RecordRoute completed: {PointCount} points, {FeatureCount} features, {DistanceMetres:F1} m, {ElapsedSeconds:F3} s.")]
    public static partial void RouteRecorded(ILogger logger, long pointCount, long featureCount, double distanceMetres, double elapsedSeconds);

    [LoggerMessage(2, LogLevel.Information, "{Method} rejected: {Problem} ({StatusCode})")]
    public static partial void CallRejected(ILogger logger, string method, string problem, StatusCode statusCode);

    [LoggerMessage(3, LogLevel.Debug, "{Method} ended early by the client or its deadline ({Status}).")]
    public static partial void CallEndedByClient(ILogger logger, string method, StatusCode status);

    [LoggerMessage(4, LogLevel.Error, "{Method} failed.")]
    public static partial void CallFailed(ILogger logger, Exception exception, string method);

    [LoggerMessage(5, LogLevel.Information, "{Method} rejected: request message {Index} could not be read ({Problem}).")]
    public static partial void RequestUnreadable(ILogger logger, string method, long index, string problem);

    [LoggerMessage(6, LogLevel.Information, "{Method} ended by the server: it is shutting down (Unavailable).")]
    public static partial void CallEndedByShutdown(ILogger logger, string method);

    [LoggerMessage(7, LogLevel.Warning, "{Method} failed: the note store is unreachable.")]
    public static partial void NoteStoreUnavailable(ILogger logger, Exception exception, string method);

    [LoggerMessage(8, LogLevel.Information, "{Method} ended by the server: no message for {IdleSeconds} s, its idle timeout (DeadlineExceeded).")]
    public static partial void CallIdle(ILogger logger, string method, double idleSeconds);

    [LoggerMessage(9, LogLevel.Information, "{Method} ended by the server: still streaming after {LimitSeconds} s, its duration limit (ResourceExhausted).")]
    public static partial void CallTooLong(ILogger logger, string method, double limitSeconds);
}
