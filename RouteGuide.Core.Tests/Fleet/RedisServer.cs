using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RouteGuide.Core.Tests.Fleet;

/// <summary>
/// A real <c>redis-server</c> (Debian's package, installed by <c>.ci/run</c>) on 127.0.0.1 with a free port,
/// persistence off, in a temporary folder; killed and the folder deleted when disposed. It can be killed
/// and started again on the same port, as an outage would. Without redis-server the test is ignored on a
/// developer's machine and fails in CI (CI=true).
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private Process? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Starts a server, or ignores (fails, in CI) the test when redis-server is not installed.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        RequireInstalled();
        var directory = Directory.CreateTempSubdirectory("routeguide-redis-").FullName;
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(directory, FreePort());
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the free port between our check and redis-server's bind: try another.
            }
        }
    }

    /// <summary>Kills the server at once, as a crash would (no shutdown, no save).</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">It did not start within 30 seconds.</exception>
    public async Task RestartAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty,
            "--appendonly", "no", "--dir", _directory, "--protected-mode", "yes", "--loglevel", "warning",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = Stopwatch.GetTimestamp();
        while (!await AcceptsAsync())
        {
            if (process.HasExited || Stopwatch.GetElapsedTime(started) > StartPatience)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw new InvalidOperationException($"redis-server did not start on 127.0.0.1:{Port}.");
            }

            await Task.Delay(20);
        }

        _process = process;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is not worth failing a test for.
        }
    }

    /// <summary>Whether redis-server answers PING on the port.</summary>
    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static void RequireInstalled()
    {
        try
        {
            using var version = Process.Start(new ProcessStartInfo("redis-server", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            version.WaitForExit(30_000);
            return;
        }
        catch (Win32Exception)
        {
            const string Missing = "redis-server is not on the PATH: the tests of the shared note store need it (Debian: apt-get install redis-server).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Missing + " In CI it must be installed (.ci/run does it).");
            }

            Assert.Ignore(Missing);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
