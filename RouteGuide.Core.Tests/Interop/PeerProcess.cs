using System.Diagnostics;
using System.Text.Json;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// A running peer program with its standard streams: lines are read from its output with a time limit,
/// its error output is collected for failure messages, and disposing it closes its input (every peer
/// program stops when its input closes) and kills it, with its children, if it has not ended within
/// ten seconds.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly PeerCommand _command;
    private readonly Task<string> _error;

    private PeerProcess(PeerCommand command)
    {
        _command = command;
        _process = command.Start();
        _error = _process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <paramref name="command"/>.</summary>
    public static PeerProcess Start(PeerCommand command) => new(command);

    /// <summary>Runs <paramref name="command"/> to its end (killing it after <paramref name="timeout"/>) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(PeerCommand command, TimeSpan timeout)
    {
        await using var process = Start(command);
        process.CloseInput();
        var output = await process.ReadToEndAsync(timeout);
        return (process._process.ExitCode, output, await process._error);
    }

    /// <summary>Runs <paramref name="command"/> to its end, requires exit code 0, and parses the one JSON value it printed.</summary>
    public static async Task<JsonElement> RunForJsonAsync(PeerCommand command, TimeSpan timeout)
    {
        var (exitCode, output, error) = await RunAsync(command, timeout);
        exitCode.Should().Be(0, $"{command} should succeed; its error output was: {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Reads the next line of output, failing the test when none comes within <paramref name="timeout"/>.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"{_command} printed no line within {timeout}; its error output was: {await _error}");
            throw;
        }

        if (line is null)
        {
            await _process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"{_command} ended (exit code {_process.ExitCode}) without printing a line; its error output was: {await _error}");
        }

        return line!;
    }

    /// <summary>Reads the next line of output as one JSON value.</summary>
    public async Task<JsonElement> ReadJsonLineAsync(TimeSpan timeout) =>
        JsonDocument.Parse(await ReadLineAsync(timeout)).RootElement.Clone();

    /// <summary>Closes the program's input: every peer program takes that as its signal to finish.</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Reads the rest of the output and waits for the program to end, killing it and failing the test after <paramref name="timeout"/>.</summary>
    public async Task<string> ReadToEndAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            var output = await _process.StandardOutput.ReadToEndAsync(cancellation.Token);
            await _process.WaitForExitAsync(cancellation.Token);
            return output;
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"{_command} did not finish within {timeout}.");
            throw;
        }
    }

    /// <summary>The program's error output so far, once it has ended.</summary>
    public Task<string> ErrorOutput => _error;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(grace.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already ended.
        }
    }
}
