using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace RouteGuide.Benchmarks;

/// <summary>
/// The benchmark server (<see cref="BenchmarkServer"/>) in a child process: this same program started
/// with <c>serve --port 0</c>. Disposing it closes the child's standard input and kills it if it lingers.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stats = Channel.CreateUnbounded<string>();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri Address { get; }

    /// <summary>The child process, for reading its memory figures.</summary>
    public Process Process => _process;

    /// <summary>Starts the server; <paramref name="standardRead"/> turns its batch read path off.</summary>
    public static ServerProcess Start(bool standardRead = false)
    {
        var assembly = typeof(ServerProcess).Assembly.Location;
        var apphost = Path.ChangeExtension(assembly, null);
        var start = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { "exec", assembly } };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        if (standardRead)
        {
            start.ArgumentList.Add(BenchmarkServer.StandardReadOption);
        }

        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the benchmark server.");
        try
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith(BenchmarkServer.ListeningPrefix, StringComparison.Ordinal))
                {
                    // Keep draining its output so that it never blocks on a full pipe, on a thread of its own:
                    // a blocking read on a pool thread would take that thread from the calls being measured.
                    var server = new ServerProcess(process, new Uri(line[BenchmarkServer.ListeningPrefix.Length..].Trim()));
                    _ = Task.Factory.StartNew(server.DrainOutput, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    return server;
                }
            }

            throw new InvalidOperationException("The benchmark server exited before listening.");
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>The bytes the server has allocated and the CPU time it has used, so far.</summary>
    public async Task<(long AllocatedBytes, TimeSpan Cpu)> StatsAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        var line = await _stats.Reader.ReadAsync().ConfigureAwait(false);
        var fields = line[BenchmarkServer.StatsPrefix.Length..].Split(' ').Select(f => long.Parse(f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture)).ToArray();
        return (fields[0], TimeSpan.FromTicks(fields[1]));
    }

    /// <summary>The child's current working set and the most it has had (Linux: VmRSS, VmHWM).</summary>
    public (long WorkingSet, long Peak) Memory()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.PeakWorkingSet64);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5_000))
            {
                Kill(_process);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void DrainOutput()
    {
        // Keep reading so that the child never blocks on a full pipe; pass on the answers to "stats".
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(BenchmarkServer.StatsPrefix, StringComparison.Ordinal))
            {
                _stats.Writer.TryWrite(line);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
