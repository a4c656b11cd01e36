namespace RouteGuide.Cli;

/// <summary>The exit codes of the routeguide command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Something failed at run time: the server is unreachable, a call failed, a check did not pass.</summary>
    public const int Failure = 1;

    /// <summary>The input is wrong: bad arguments, an unreadable or malformed points or catalog file, a rejected point.</summary>
    public const int InputError = 2;

    /// <summary>The command was cancelled (Ctrl+C) before it finished.</summary>
    public const int Cancelled = 130;
}
