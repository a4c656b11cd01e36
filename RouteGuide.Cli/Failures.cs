using Grpc.Core;
using RouteGuide.Cli.Tls;
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
    /// <param name="deadline">The <c>--deadline</c> of the command's calls, if it had one.</param>
    /// <param name="tls">The client's TLS, for a command that called an https:// server.</param>
    /// <returns>The exit code: see <see cref="ExitCodes"/>.</returns>
    public static int Report(TextWriter error, string command, Exception exception, Uri? target = null, TimeSpan? deadline = null, ClientTls? tls = null) =>
        Report(error, command, exception, target is null ? null : ServerTargets.Single(target), deadline, tls);

    /// <summary>Writes one line describing <paramref name="exception"/> and returns the exit code for it.</summary>
    /// <param name="error">Where the line goes (stderr).</param>
    /// <param name="command">The command's name, e.g. <c>record</c>, to prefix the line; empty for the root command.</param>
    /// <param name="exception">What went wrong.</param>
    /// <param name="targets">The servers the command talked to, when it got that far.</param>
    /// <param name="deadline">The command's <c>--deadline</c>, if it had one.</param>
    /// <param name="tls">The client's TLS settings, if the target was https://.</param>
    /// <returns>The exit code: see <see cref="ExitCodes"/>.</returns>
    public static int Report(TextWriter error, string command, Exception exception, ServerTargets? targets, TimeSpan? deadline = null, ClientTls? tls = null)
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
            RpcException e when tls?.DescribeRefusal(e) is { } refusal => (ExitCodes.Failure, $"cannot talk to {server}: {refusal}"),
            RpcException e when targets is not null && TlsFailure.Describe(e, targets.First) is { } failure => (ExitCodes.Failure, $"cannot talk to {server}: {failure}"),
            RpcException { StatusCode: StatusCode.DeadlineExceeded } when deadline is { } limit => (ExitCodes.Failure, $"the call to {server} did not finish within --deadline {limit.Display()}."),
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

    /// <summary>
    /// The status detail of a failed call. Grpc.Net.Client puts the transport's own cause in it (e.g. "Connection
    /// refused"); the status's debugging exception is documented as not to be relied on, so it is not read.
    /// </summary>
    private static string Detail(RpcException e) => e.Status.Detail;

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
