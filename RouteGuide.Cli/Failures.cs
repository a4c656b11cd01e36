using Grpc.Core;
using RouteGuide.Core.Statistics;

namespace RouteGuide.Cli;

/// <summary>Turns whatever ended a command into one line on stderr and an exit code; never a stack trace.</summary>
internal static class Failures
{
    /// <summary>Writes one line describing <paramref name="exception"/> and returns the exit code for it.</summary>
    /// <param name="error">Where the line goes (stderr).</param>
    /// <param name="command">The command's name, e.g. <c>record</c>, to prefix the line; empty for the root command.</param>
    /// <param name="exception">What went wrong.</param>
    /// <param name="target">The server the command talked to, when it got that far.</param>
    /// <returns>The exit code: see <see cref="ExitCodes"/>.</returns>
    public static int Report(TextWriter error, string command, Exception exception, Uri? target = null) =>
        Report(error, command, exception, target is null ? null : ServerTargets.Single(target));

    /// <summary>Writes one line describing <paramref name="exception"/> and returns the exit code for it.</summary>
    /// <param name="error">Where the line goes (stderr).</param>
    /// <param name="command">The command's name, e.g. <c>record</c>, to prefix the line; empty for the root command.</param>
    /// <param name="exception">What went wrong.</param>
    /// <param name="targets">The servers the command talked to, when it got that far.</param>
    /// <returns>The exit code: see <see cref="ExitCodes"/>.</returns>
    public static int Report(TextWriter error, string command, Exception exception, ServerTargets? targets)
    {
        var server = targets switch
        {
            null => "the RouteGuide server",
            { IsBalanced: true } => $"the RouteGuide servers at {targets.Display()}",
            _ => $"the RouteGuide server at {targets.Display()}",
        };
        var (exitCode, message) = exception switch
        {
            CommandException e => (e.ExitCode, e.Message),
            FeatureCatalogException e => (ExitCodes.InputError, e.Message),
            RpcException { StatusCode: StatusCode.Unavailable } e => (ExitCodes.Failure, $"cannot reach {server}: {Detail(e)}"),
            RpcException { StatusCode: StatusCode.InvalidArgument } e => (ExitCodes.InputError, $"{server} rejected the route: {e.Status.Detail}"),
            RpcException { StatusCode: StatusCode.Cancelled } => (ExitCodes.Cancelled, "cancelled."),
            RpcException e => (ExitCodes.Failure, $"the call to {server} failed ({e.StatusCode}): {Detail(e)}"),
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled."),
            _ => (ExitCodes.Failure, $"unexpected error ({exception.GetType().Name}): {exception.Message}"),
        };

        error.WriteLine($"{RouteGuideCli.Name}{(command.Length > 0 ? " " + command : string.Empty)}: {OneLine(message)}");
        error.Flush();
        return exitCode;
    }

    /// <summary>The most telling message of a failed call: the innermost cause (e.g. "Connection refused") or the status detail.</summary>
    private static string Detail(RpcException e)
    {
        var cause = e.Status.DebugException;
        while (cause?.InnerException is { } inner)
        {
            cause = inner;
        }

        var detail = e.Status.Detail;
        if (cause is null || string.IsNullOrWhiteSpace(cause.Message) || detail.Contains(cause.Message, StringComparison.Ordinal))
        {
            return detail;
        }

        return $"{detail.TrimEnd('.')} ({cause.Message.TrimEnd('.')}).";
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
