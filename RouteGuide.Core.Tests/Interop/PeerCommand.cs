using System.Diagnostics;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>A command line of an interop peer: the program, its arguments, where it runs and extra environment.</summary>
internal sealed record PeerCommand(string File, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The same command with more arguments at the end.</summary>
    public PeerCommand With(IEnumerable<string> arguments) => this with { Arguments = [.. Arguments, .. arguments] };

    /// <summary>How the command reads in a failure message.</summary>
    public override string ToString() => $"{File} {string.Join(' ', Arguments)} (in {WorkingDirectory})";

    /// <summary>Starts the command with every standard stream redirected.</summary>
    public Process Start()
    {
        var info = new ProcessStartInfo(File)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{this} did not start.");
    }
}
