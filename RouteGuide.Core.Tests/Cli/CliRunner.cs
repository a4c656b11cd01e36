using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

/// <summary>What one run of the routeguide command printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The lines written to stderr.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Asserts a failure reported the way every failure must be: one stderr line, no stack trace, the right exit code.</summary>
    public void ShouldFailWith(int exitCode, params string[] mentions)
    {
        ExitCode.Should().Be(exitCode, "stderr was: {0}", Error);
        ErrorLines.Should().ContainSingle("a failure is one line on stderr");
        Error.Should().NotContain("   at ", "no stack trace is printed");
        Error.Should().StartWith("routeguide");
        foreach (var mention in mentions)
        {
            ErrorLines[0].Should().Contain(mention);
        }
    }
}

/// <summary>Runs the routeguide command in this process, as its Main would, with captured output.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await RouteGuideCli.RunAsync(args, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs the built routeguide executable in a process of its own, until it ends, so that what reaches the
    /// real stdout and stderr is seen too: the console log of <c>serve</c>, for one.
    /// </summary>
    public static async Task<CliResult> RunProcessAsync(params string[] args)
    {
        using var process = CliProcess.Start(args);
        return await process.WaitForExitAsync();
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on: bound by the system, then released.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>
/// A command-line program running in a process of its own, the built routeguide executable (copied next to
/// the tests) or another, its stdout and stderr readable while it runs; disposing it kills the process if it
/// is still running.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly string _commandLine;

    private CliProcess(Process process, string commandLine)
    {
        _process = process;
        _commandLine = commandLine;
    }

    /// <summary>Standard output, line by line as the process writes it.</summary>
    public ObservedWriter Output { get; } = new();

    /// <summary>Standard error, line by line as the process writes it.</summary>
    public ObservedWriter Error { get; } = new();

    /// <summary>Starts the routeguide executable with <paramref name="args"/>.</summary>
    public static CliProcess Start(params string[] args) =>
        StartProgram(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "routeguide.exe" : "routeguide"), args);

    /// <summary>Starts <paramref name="program"/> (a path, or a name to find on the PATH) with <paramref name="args"/>.</summary>
    public static CliProcess StartProgram(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var started = new CliProcess(process, string.Join(' ', [Path.GetFileName(program), .. args]));
        process.OutputDataReceived += (_, line) => started.Output.Write(line.Data is null ? string.Empty : line.Data + "\n");
        process.ErrorDataReceived += (_, line) => started.Error.Write(line.Data is null ? string.Empty : line.Data + "\n");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for the process to end (a minute at the most) and returns what it printed and its exit code.</summary>
    public async Task<CliResult> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_commandLine} did not end within {Patience}.");
        }

        return new CliResult(_process.ExitCode, Output.ToString(), Error.ToString());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}

/// <summary>A thread-safe writer that a test can read while a command is still writing to it.</summary>
internal sealed class ObservedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<(Func<string, string?> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value ?? string.Empty);

    public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Completes with the first complete line for which <paramref name="match"/> returns a value.</summary>
    public Task<string> WaitForLineAsync(Func<string, string?> match)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            _waiters.Add((match, found));
            Check();
        }

        return found.Task;
    }

    private void Append(string value)
    {
        lock (_text)
        {
            _text.Append(value);
            Check();
        }
    }

    private void Check()
    {
        var text = _text.ToString();
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        foreach (var line in complete.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var (match, found) in _waiters)
            {
                if (!found.Task.IsCompleted && match(line) is { } value)
                {
                    found.TrySetResult(value);
                }
            }
        }
    }
}

/// <summary>A scratch directory for the files a test writes, deleted at the end.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory() => Path = Directory.CreateTempSubdirectory("routeguide-cli-").FullName;

    public string Path { get; }

    public string Write(string name, string contents)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, contents);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
