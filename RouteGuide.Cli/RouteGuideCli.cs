using System.CommandLine;
using System.CommandLine.Invocation;
using RouteGuide.Cli.Commands;

namespace RouteGuide.Cli;

/// <summary>The routeguide command line: its commands, and running it with given output writers.</summary>
internal static class RouteGuideCli
{
    /// <summary>The name the command is known by (the .NET tool's command name).</summary>
    public const string Name = "routeguide";

    /// <summary>Creates the root command with <c>demo</c>, <c>serve</c>, <c>record</c> and <c>bench</c>; with no command it runs the demo.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("RouteGuide's RecordRoute RPC from the command line: a demo, a server, a client and a benchmark.")
        {
            DemoCommand.Create(),
            ServeCommand.Create(),
            RecordCommand.Create(),
            BenchCommand.Create(),
        };
        root.SetAction((parseResult, cancellationToken) => DemoCommand.RunAsync(
            new DemoSettings(),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command. Every failure, including bad arguments, is one
    /// line on <paramref name="error"/> and a non-zero exit code (see <see cref="ExitCodes"/>).
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output: results, help.</param>
    /// <param name="error">Standard error: the failure line.</param>
    /// <param name="handleTermination">Turn Ctrl+C and SIGTERM into cancellation (the real process only).</param>
    /// <param name="cancellationToken">Stops the command, as Ctrl+C would.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, bool handleTermination = false, CancellationToken cancellationToken = default)
    {
        var parseResult = CreateRootCommand().Parse(args);
        var command = parseResult.CommandResult.Command is RootCommand ? Name : $"{Name} {parseResult.CommandResult.Command.Name}";
        if (parseResult.Action is ParseErrorAction)
        {
            await error.WriteLineAsync($"{command}: {UsageError.Describe(parseResult)} See '{command} --help'.");
            await error.FlushAsync(cancellationToken);
            return ExitCodes.InputError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // On Ctrl+C the command stops its server or call; it gets this long before the process is ended.
            ProcessTerminationTimeout = handleTermination ? TimeSpan.FromSeconds(5) : null,
        };
        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e)
        {
            return Failures.Report(error, parseResult.CommandResult.Command is RootCommand ? string.Empty : parseResult.CommandResult.Command.Name, e);
        }
    }
}
