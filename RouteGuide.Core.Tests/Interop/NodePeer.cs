using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// Runs the Node.js RouteGuide peer in <c>Interop/node</c> (@grpc/grpc-js, another language's gRPC).
/// Installs its packages with <c>npm ci</c> on first use; when Node.js is not installed, the tests that
/// need it are ignored with a message saying so.
/// </summary>
internal static class NodePeer
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    public static string Directory { get; } = RepositoryLayout.PathOf("RouteGuide.Core.Tests", "Interop", "node");

    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed)
            {
                return;
            }

            var version = await TryRunAsync("node", ["--version"], TimeSpan.FromSeconds(30));
            if (version is null)
            {
                Assert.Ignore("Node.js (node) is not on the PATH: the interop tests with a Node.js RouteGuide peer need it.");
            }

            if (!File.Exists(Path.Combine(Directory, "node_modules", "@grpc", "grpc-js", "package.json")))
            {
                var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
                install.ExitCode.Should().Be(0, $"npm ci in {Directory} failed: {install.Error}");
            }

            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Runs <c>node client.js ARGS</c> and parses the JSON it prints.</summary>
    public static async Task<JsonElement> RunClientAsync(params string[] arguments)
    {
        var result = await RunAsync("node", ["client.js", .. arguments], TimeSpan.FromMinutes(2));
        result.ExitCode.Should().Be(0, $"node client.js failed: {result.Error}");
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    /// <summary>Starts <c>node server.js CATALOG</c>; it serves on 127.0.0.1 until disposed.</summary>
    public static async Task<NodeServer> StartServerAsync(string catalogPath)
    {
        var process = Start("node", ["server.js", catalogPath], redirectInput: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        line.Should().StartWith("listening ", $"the Node.js server should start: {(process.HasExited ? await process.StandardError.ReadToEndAsync() : "no error yet")}");
        return new NodeServer(process, int.Parse(line!["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<(int ExitCode, string Output, string Error)?> TryRunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        try
        {
            return await RunAsync(file, arguments, timeout);
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        using var process = Start(file, arguments, redirectInput: false);
        using var cancellation = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancellation.Token);
        var error = process.StandardError.ReadToEndAsync(cancellation.Token);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await output, await error);
    }

    private static Process Start(string file, string[] arguments, bool redirectInput)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}

/// <summary>A running Node.js RouteGuide server; disposing it closes its input, which stops it.</summary>
internal sealed class NodeServer(Process process, int port) : IAsyncDisposable
{
    public int Port { get; } = port;

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}
