using System.CommandLine;
using System.CommandLine.Parsing;
using RouteGuide.Cli.Tls;

namespace RouteGuide.Cli;

/// <summary>What a client command (<c>record</c>, <c>bench</c>) was asked for beyond its route: a deadline and TLS files.</summary>
/// <param name="Deadline">How long each call may take; null for no deadline.</param>
/// <param name="CaPath">A PEM file of the authorities to trust instead of the system's.</param>
/// <param name="CertificatePath">A PEM file of the client certificate to present.</param>
/// <param name="KeyPath">A PEM file of that certificate's private key.</param>
internal sealed record ClientSettings(TimeSpan? Deadline = null, string? CaPath = null, string? CertificatePath = null, string? KeyPath = null)
{
    /// <summary>Loads the TLS files (a <see cref="CommandException"/> naming a file that cannot be used); null for an http:// target.</summary>
    public ClientTls? LoadTls(Uri target) => ClientTls.Load(target, CaPath, CertificatePath, KeyPath);

    /// <summary>The deadline of a call that starts now; null for none.</summary>
    public DateTime? CallDeadline() => Deadline is { } deadline ? DateTime.UtcNow + deadline : null;
}

/// <summary>The options of <see cref="ClientSettings"/>, added to a command, with their validation.</summary>
internal sealed class ClientOptions
{
    private readonly Option<TimeSpan?> _deadline = CliOptions.Duration(
        "--deadline", "Fail a call that has not finished within this time, e.g. 30s, 500ms or 2m (default: no deadline).");

    private readonly Option<string> _ca = new("--ca")
    {
        Description = "Trust the certificate authorities in this PEM file for an https:// --target, instead of the system's.",
        HelpName = "FILE.pem",
    };

    private readonly Option<string> _certificate = new("--client-cert")
    {
        Description = "Present this client certificate (PEM) to an https:// --target that asks for one (mutual TLS); with --client-key.",
        HelpName = "FILE.pem",
    };

    private readonly Option<string> _key = new("--client-key")
    {
        Description = "The private key (PEM, not encrypted) of --client-cert.",
        HelpName = "FILE.key",
    };

    /// <summary>Adds the options to <paramref name="command"/>, with a validator that checks them against its <paramref name="target"/>.</summary>
    public void AddTo(Command command, Option<string[]> target)
    {
        command.Options.Add(_deadline);
        command.Options.Add(_ca);
        command.Options.Add(_certificate);
        command.Options.Add(_key);
        command.Validators.Add(result => Validate(result, target));
    }

    /// <summary>The settings the command line gave.</summary>
    public ClientSettings Read(ParseResult parseResult) => new(
        parseResult.GetValue(_deadline), parseResult.GetValue(_ca), parseResult.GetValue(_certificate), parseResult.GetValue(_key));

    private void Validate(CommandResult result, Option<string[]> target)
    {
        if (result.IsGiven(_certificate) != result.IsGiven(_key))
        {
            result.AddError("give --client-cert and --client-key together: the client certificate and its private key, both PEM files.");
            return;
        }

        var tls = new[] { _ca, _certificate }.FirstOrDefault(result.IsGiven);
        var url = result.GetValue(target) is { Length: > 0 } values ? ServerTargets.Parse(values, out _)?.First : null;
        if (tls is not null && url is not null && url.Scheme != Uri.UriSchemeHttps)
        {
            result.AddError($"{tls.Name} is for TLS: give an https:// --target, not {url.Display()}.");
        }
        else if (tls is not null && url is null)
        {
            result.AddError($"{tls.Name} is for TLS: give an https:// --target.");
        }
    }
}
