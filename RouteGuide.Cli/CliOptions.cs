using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RouteGuide.Cli;

/// <summary>Options that several commands share, with their validation.</summary>
internal static class CliOptions
{
    /// <summary><c>--target URL</c>: a RouteGuide server, http:// (HTTP/2 cleartext) or https://.</summary>
    public static Option<string> Target(bool required)
    {
        var option = new Option<string>("--target")
        {
            Description = "The RouteGuide server, e.g. http://127.0.0.1:50051 (HTTP/2 cleartext) or https://host:443.",
            HelpName = "URL",
            Required = required,
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (value is not null && ParseTarget(value) is null)
            {
                result.AddError($"--target must be an http:// or https:// URL such as http://127.0.0.1:50051, not '{value}'.");
            }
        });
        return option;
    }

    /// <summary>The URL given to <c>--target</c>, or <see langword="null"/> when it is not an absolute http(s) URL.</summary>
    public static Uri? ParseTarget(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    /// <summary>A server address as people write it: <c>http://127.0.0.1:50051</c>, without the trailing slash of an empty path.</summary>
    public static string Display(this Uri address) =>
        address.AbsolutePath == "/" && string.IsNullOrEmpty(address.Query) ? address.GetLeftPart(UriPartial.Authority) : address.ToString();

    /// <summary><c>--seed S</c>: makes random routes reproducible.</summary>
    public static Option<int?> Seed() => new("--seed")
    {
        Description = "Seed for the random route, to get the same route every time.",
        HelpName = "S",
    };

    /// <summary>An integer option that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> Count(string name, string description, int minimum, string helpName = "N") =>
        AtLeast(new Option<int>(name) { Description = description, HelpName = helpName }, minimum);

    /// <summary>An integer option that must be at least <paramref name="minimum"/>, with a default.</summary>
    public static Option<int> Count(string name, string description, int minimum, int defaultValue, string helpName = "N") =>
        AtLeast(new Option<int>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue }, minimum);

    /// <summary>An optional integer option that, when given, must be at least <paramref name="minimum"/>.</summary>
    public static Option<int?> OptionalCount(string name, string description, int minimum, string helpName = "N")
    {
        var option = new Option<int?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (GivenInt(result) is { } value && value < minimum)
            {
                result.AddError(TooSmall(name, value, minimum));
            }
        });
        return option;
    }

    /// <summary>Whether <paramref name="option"/> was written on the command line (not just defaulted).</summary>
    public static bool IsGiven(this SymbolResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static Option<int> AtLeast(Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            if (GivenInt(result) is { } value && value < minimum)
            {
                result.AddError(TooSmall(option.Name, value, minimum));
            }
        });
        return option;
    }

    /// <summary>
    /// The integer written for an option, or <see langword="null"/> when none was written or it is not an
    /// integer (the parser reports that itself; defaults are valid by construction).
    /// </summary>
    public static int? GivenInt(OptionResult result) =>
        result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static string TooSmall(string name, int value, int minimum) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {minimum:N0}, not {value}.");
}
