using System.CommandLine;
using System.Globalization;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Cli;

/// <summary>
/// <c>serve</c>'s options for the service's call limits (<see cref="RouteGuideServiceOptions"/>), each
/// defaulting to the library's default and validated with a one-line error.
/// </summary>
internal sealed class ServeLimitOptions
{
    private static readonly RouteGuideServiceOptions Defaults = RouteGuideServiceOptions.Default;

    /// <summary>The longest time limit the library accepts (what a timer can wait for), in whole seconds.</summary>
    private static readonly int MaxSeconds = (int)TimeSpan.FromMilliseconds(int.MaxValue).TotalSeconds;

    private readonly Option<int> _idleTimeout = Seconds(
        "--idle-timeout",
        "End a RecordRoute or RouteChat call that sends nothing for this many seconds, with DEADLINE_EXCEEDED; 0 turns it off.",
        Defaults.IdleTimeout);

    private readonly Option<int> _maxRouteDuration = Seconds(
        "--max-route-duration",
        "End a RecordRoute call still streaming after this many seconds, with RESOURCE_EXHAUSTED; 0 turns it off.",
        Defaults.MaxRouteDuration);

    private readonly Option<int> _maxRoutePoints = CliOptions.WholeNumber(
        new Option<int>("--max-route-points")
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"End a RecordRoute call that sends more points than this, with RESOURCE_EXHAUSTED (default: {Defaults.MaxRoutePoints}, the most a summary reports exactly)."),
            HelpName = "N",
            DefaultValueFactory = _ => (int)Defaults.MaxRoutePoints,
        },
        minimum: 1);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_idleTimeout);
        command.Options.Add(_maxRouteDuration);
        command.Options.Add(_maxRoutePoints);
    }

    /// <summary>The limits the command line asks for.</summary>
    public RouteGuideServiceOptions Read(ParseResult parseResult) => Defaults with
    {
        IdleTimeout = ToTimeout(parseResult.GetValue(_idleTimeout)),
        MaxRouteDuration = ToTimeout(parseResult.GetValue(_maxRouteDuration)),
        MaxRoutePoints = parseResult.GetValue(_maxRoutePoints),
    };

    private static TimeSpan ToTimeout(int seconds) => seconds == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

    private static Option<int> Seconds(string name, string description, TimeSpan defaultValue)
    {
        var seconds = defaultValue == Timeout.InfiniteTimeSpan ? 0 : (int)defaultValue.TotalSeconds;
        return CliOptions.WholeNumber(
            new Option<int>(name)
            {
                Description = string.Create(CultureInfo.InvariantCulture, $"{description} Default: {seconds}."),
                HelpName = "SECONDS",
                DefaultValueFactory = _ => seconds,
            },
            minimum: 0,
            maximum: MaxSeconds);
    }
}
