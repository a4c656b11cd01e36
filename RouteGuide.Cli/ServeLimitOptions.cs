using System.CommandLine;

namespace RouteGuide.Cli;

/// <summary>
/// <c>serve</c>'s limit options, connection limits and per-call limits together, each defaulting to the
/// library's default and validated with a one-line error; read into one <see cref="ServeLimits"/>.
/// </summary>
internal sealed class ServeLimitOptions
{
    private static readonly ServeLimits Defaults = new();

    /// <summary>The longest time limit the library accepts (what a timer can wait for), in whole seconds.</summary>
    private static readonly int MaxSeconds = (int)TimeSpan.FromMilliseconds(int.MaxValue).TotalSeconds;

    private readonly Option<int> _maxConnections = CliOptions.Count(
        "--max-connections", "The most connections held open at once; more are closed on arrival.", minimum: 1, Defaults.MaxConnections);

    private readonly Option<int> _maxStreams = CliOptions.Count(
        "--max-streams-per-connection", "The most calls one connection may carry at once; more are refused.", minimum: 1, Defaults.MaxStreamsPerConnection);

    private readonly Option<int> _keepAliveDelay = CliOptions.Count(
        "--keepalive-delay", "Seconds a connection may be silent before the server pings it to find a dead peer (0: no pings).", minimum: 0, Defaults.KeepAliveDelaySeconds, helpName: "S");

    private readonly Option<int> _keepAliveTimeout = CliOptions.Count(
        "--keepalive-timeout", "Seconds to wait for a ping's answer before closing the connection.", minimum: 1, Defaults.KeepAliveTimeoutSeconds, helpName: "S");

    private readonly Option<int> _idleTimeout = Seconds(
        "--idle-timeout",
        "End a RecordRoute or RouteChat call that sends nothing for this many seconds, with DEADLINE_EXCEEDED; 0 turns it off.",
        Defaults.IdleTimeoutSeconds);

    private readonly Option<int> _maxRouteDuration = Seconds(
        "--max-route-duration",
        "End a RecordRoute call still streaming after this many seconds, with RESOURCE_EXHAUSTED; 0 turns it off.",
        Defaults.MaxRouteDurationSeconds);

    private readonly Option<int> _maxRoutePoints = CliOptions.WholeNumber(
        new Option<int>("--max-route-points")
        {
            Description = "End a RecordRoute call that sends more points than this, with RESOURCE_EXHAUSTED (the default is the most a summary reports exactly).",
            HelpName = "N",
            DefaultValueFactory = _ => (int)Defaults.MaxRoutePoints,
        },
        minimum: 1);

    /// <summary>Adds the options to <paramref name="command"/>: the connection limits, then the call limits.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_maxConnections);
        command.Options.Add(_maxStreams);
        command.Options.Add(_keepAliveDelay);
        command.Options.Add(_keepAliveTimeout);
        command.Options.Add(_idleTimeout);
        command.Options.Add(_maxRouteDuration);
        command.Options.Add(_maxRoutePoints);
    }

    /// <summary>The limits the command line asks for.</summary>
    public ServeLimits Read(ParseResult parseResult) => new()
    {
        MaxConnections = parseResult.GetValue(_maxConnections),
        MaxStreamsPerConnection = parseResult.GetValue(_maxStreams),
        KeepAliveDelaySeconds = parseResult.GetValue(_keepAliveDelay),
        KeepAliveTimeoutSeconds = parseResult.GetValue(_keepAliveTimeout),
        IdleTimeoutSeconds = parseResult.GetValue(_idleTimeout),
        MaxRouteDurationSeconds = parseResult.GetValue(_maxRouteDuration),
        MaxRoutePoints = parseResult.GetValue(_maxRoutePoints),
    };

    private static Option<int> Seconds(string name, string description, int seconds) =>
        CliOptions.WholeNumber(
            new Option<int>(name)
            {
                Description = description,
                HelpName = "SECONDS",
                DefaultValueFactory = _ => seconds,
            },
            minimum: 0,
            maximum: MaxSeconds);
}
