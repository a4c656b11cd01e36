namespace RouteGuide.Cli;

/// <summary>A failure a command explains in one line, with the exit code it ends with.</summary>
internal sealed class CommandException : Exception
{
    public CommandException()
        : this(ExitCodes.Failure, "The command failed.")
    {
    }

    public CommandException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failure;
    }

    public CommandException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>The exit code the command ends with.</summary>
    public int ExitCode { get; }

    /// <summary>Bad input from the user: a file that cannot be read or is malformed (exit code 2).</summary>
    public static CommandException Input(string message, Exception? innerException = null) =>
        new(ExitCodes.InputError, message, innerException);
}
