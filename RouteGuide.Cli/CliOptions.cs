using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace RouteGuide.Cli;

/// <summary>Options that several commands share, with their validation.</summary>
internal static class CliOptions
{
    /// <summary>
    /// <c>--target URL</c>: the RouteGuide server, or several instances of it (repeat the option, or separate
    /// URLs with commas), or a <c>dns:///host:port</c> name; calls are spread over instances round-robin.
    /// </summary>
    public static Option<string[]> Target(bool required)
    {
        var option = new Option<string[]>("--target")
        {
            Description = "The RouteGuide server, e.g. http://127.0.0.1:50051 (HTTP/2 cleartext) or https://host:443. Repeat it, or separate URLs with commas, "
                + "to spread calls round-robin over several instances; or give dns:///host:port to spread them over every address of that name.",
            HelpName = "URL",
            Required = required,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string[]>() is { } values && ServerTargets.Parse(values, out var problem) is null)
            {
                result.AddError(problem);
            }
        });
        return option;
    }

    /// <summary>The servers given to <c>--target</c>, already validated; <see langword="null"/> when the option is absent.</summary>
    public static ServerTargets? GetTargets(this ParseResult parseResult, Option<string[]> option) =>
        parseResult.GetValue(option) is { Length: > 0 } values ? ServerTargets.Parse(values, out _) : null;

    /// <summary>The URL given to <c>--target</c>, or <see langword="null"/> when it is not an absolute http(s) URL.</summary>
    public static Uri? ParseTarget(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>A server address as people write it: <c>http://127.0.0.1:50051</c>, without the trailing slash of an empty path.</summary>
    public static string Display(this Uri address) =>
        address.AbsolutePath == "/" && string.IsNullOrEmpty(address.Query) ? address.GetLeftPart(UriPartial.Authority) : address.ToString();

    /// <summary><c>--seed S</c>: makes random routes reproducible.</summary>
    public static Option<int?> Seed() => WholeNumber(
        new Option<int?>("--seed")
        {
            Description = "Seed for the random route, to get the same route every time.",
            HelpName = "S",
        },
        int.MinValue);

    /// <summary>An integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> Count(string name, string description, int minimum, string helpName = "N") =>
        WholeNumber(new Option<int>(name) { Description = description, HelpName = helpName }, minimum);

    /// <summary>An integer option that must be at least <paramref name="minimum"/>, with a default.</summary>
    public static Option<int> Count(string name, string description, int minimum, int defaultValue, string helpName = "N") =>
        WholeNumber(new Option<int>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue }, minimum);

    /// <summary>An optional integer option that, when given, must be at least <paramref name="minimum"/>.</summary>
    public static Option<int?> OptionalCount(string name, string description, int minimum, string helpName = "N") =>
        WholeNumber(new Option<int?>(name) { Description = description, HelpName = helpName }, minimum);

    /// <summary>
    /// Makes <paramref name="option"/> accept only a whole number from <paramref name="minimum"/> to
    /// <paramref name="maximum"/>; anything else is a usage error naming the option and the value written.
    /// </summary>
    public static Option<int> WholeNumber(Option<int> option, int minimum, int maximum = int.MaxValue)
    {
        option.CustomParser = result => ParseWholeNumber(result, option.Name, minimum, maximum) ?? default;
        return option;
    }

    /// <inheritdoc cref="WholeNumber(Option{int}, int, int)"/>
    public static Option<int?> WholeNumber(Option<int?> option, int minimum, int maximum = int.MaxValue)
    {
        option.CustomParser = result => ParseWholeNumber(result, option.Name, minimum, maximum);
        return option;
    }

    /// <summary>
    /// An optional duration option: a positive number with a unit, <c>500ms</c>, <c>30s</c>, <c>2m</c> or
    /// <c>1h</c>, or a number of seconds alone; anything else is a usage error naming the option and the value.
    /// </summary>
    public static Option<TimeSpan?> Duration(string name, string description)
    {
        var option = new Option<TimeSpan?>(name) { Description = description, HelpName = "TIME" };
        option.CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (ParseDuration(text) is { } duration)
            {
                return duration;
            }

            result.AddError($"{name} must be a positive time such as 30s, 500ms, 2m or 1h, not '{text}'.");
            return null;
        };
        return option;
    }

    /// <summary>A positive duration written as <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c> or <c>30</c> (seconds), up to a day; otherwise null.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), (string.Empty, 1)];
        var (suffix, seconds) = units.First(unit => text.EndsWith(unit.Suffix, StringComparison.OrdinalIgnoreCase));
        var number = text[..^suffix.Length];
        if (number.Length == 0 || !char.IsAsciiDigit(number[0])
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        var total = value * seconds;
        return total is > 0 and <= 86_400 ? TimeSpan.FromSeconds(total) : null;
    }

    /// <summary>A duration as people write it: <c>500 ms</c>, <c>30 s</c>, <c>2.5 s</c>.</summary>
    public static string Display(this TimeSpan duration) => duration < TimeSpan.FromSeconds(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###} s");

    /// <summary>Whether <paramref name="option"/> was written on the command line (not just defaulted).</summary>
    public static bool IsGiven(this SymbolResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The whole number written for option <paramref name="name"/>, or <see langword="null"/> after adding an
    /// error that says what the option takes and repeats the value (the parser's own message names a .NET type).
    /// </summary>
    private static int? ParseWholeNumber(ArgumentResult result, string name, int minimum, int maximum)
    {
        // The option takes exactly one value: the parser reports a missing one before it gets here.
        var text = result.Tokens[0].Value;
        if (!BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} must be a whole number, not '{text}'.");
            return null;
        }

        if (value < minimum || value > maximum)
        {
            var range = maximum == int.MaxValue && value < minimum
                ? string.Create(CultureInfo.InvariantCulture, $"at least {minimum}")
                : string.Create(CultureInfo.InvariantCulture, $"from {minimum} to {maximum}");
            result.AddError($"{name} must be {range}, not {text}.");
            return null;
        }

        return (int)value;
    }
}
