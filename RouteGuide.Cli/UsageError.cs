using System.CommandLine;

namespace RouteGuide.Cli;

/// <summary>
/// The one line that explains a command line that does not parse. A misspelt command or option is named, with
/// the closest real one ("unknown command 'recrod'; did you mean 'record'?"), rather than followed by an error
/// for every word after it.
/// </summary>
internal static class UsageError
{
    /// <summary>What is wrong with the command line, without the command's name and the pointer to help.</summary>
    public static string Describe(ParseResult parseResult)
    {
        if (parseResult.UnmatchedTokens.Count == 0)
        {
            return string.Join(" ", parseResult.Errors.Select(e => e.Message.Trim()).Distinct());
        }

        // Every later error follows from the first word the parser did not know.
        var token = parseResult.UnmatchedTokens[0];
        var command = parseResult.CommandResult.Command;
        var isOption = token.StartsWith('-');
        var known = isOption
            ? command.Options.Concat(parseResult.RootCommandResult.Command.Options.Where(option => option.Recursive))
                .SelectMany(option => option.Aliases.Prepend(option.Name))
            : command.Subcommands.SelectMany(subcommand => subcommand.Aliases.Prepend(subcommand.Name));
        var what = isOption ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
        var suggestion = Closest(token, known.Where(name => !name.StartsWith("-?", StringComparison.Ordinal)));
        return suggestion is null ? $"unknown {what} '{token}'." : $"unknown {what} '{token}'; did you mean '{suggestion}'?";
    }

    /// <summary>The name nearest to <paramref name="token"/> if it is near enough to be what was meant: a third of its letters wrong at most.</summary>
    internal static string? Closest(string token, IEnumerable<string> names)
    {
        var allowed = Math.Max(1, token.TrimStart('-').Length / 3);
        return names
            .Select(name => (Name: name, Distance: EditDistance(token, name)))
            .Where(candidate => candidate.Distance <= allowed)
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
    }

    /// <summary>The fewest insertions, deletions, substitutions and swaps of neighbours that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
