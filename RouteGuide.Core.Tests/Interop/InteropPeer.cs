using System.Globalization;
using System.Text.Json;
using RouteGuide.Core.Tests.Harness;

namespace RouteGuide.Core.Tests.Interop;

/// <summary>
/// A RouteGuide client and server written in another language, in <c>interop/NAME/</c>: the server
/// binds a free port on 127.0.0.1, prints <c>listening PORT</c> and serves until its input closes;
/// the client takes a mode and arguments and prints one JSON value (see each peer's client for the
/// modes). Each peer's server follows its language's reference example, as <see cref="Reference"/>
/// describes.
/// </summary>
internal abstract class InteropPeer
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromMinutes(3);
    private readonly Lazy<Task<string?>> _readiness;

    protected InteropPeer() => _readiness = new(PrepareAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every peer, by the name test fixtures use.</summary>
    public static IReadOnlyDictionary<string, InteropPeer> All { get; } = new Dictionary<string, InteropPeer>
    {
        ["Go"] = new GoPeer(),
        ["Python"] = new PythonPeer(),
        ["Node"] = new NodePeer(),
    };

    /// <summary>The peer's folder: <c>interop/NAME</c> in the repository.</summary>
    public abstract string Directory { get; }

    /// <summary>How the peer's server computes its answers.</summary>
    public abstract ReferenceServer Reference { get; }

    /// <summary>
    /// Makes sure the toolchain is installed and the peer is built (once per test run); when a tool is
    /// missing, ignores the test with the reason, or fails it in CI (<see cref="RequiredTool"/>).
    /// </summary>
    public async Task EnsureReadyAsync()
    {
        if (await _readiness.Value is { } missing)
        {
            RequiredTool.Missing(missing);
        }
    }

    /// <summary>Runs the peer's client with <paramref name="arguments"/> and parses the JSON it prints.</summary>
    public Task<JsonElement> RunClientAsync(params string[] arguments) =>
        PeerProcess.RunForJsonAsync(ClientCommand.With(arguments), ClientTimeout);

    /// <summary>Starts the peer's client with <paramref name="arguments"/>, for a test that talks to it while it runs.</summary>
    public PeerProcess StartClient(params string[] arguments) => PeerProcess.Start(ClientCommand.With(arguments));

    /// <summary>Starts the peer's server on a free port of 127.0.0.1 with the catalog in <paramref name="catalogPath"/>.</summary>
    public async Task<PeerServer> StartServerAsync(string catalogPath)
    {
        var process = PeerProcess.Start(ServerCommand.With([catalogPath]));
        var line = await process.ReadLineAsync(TimeSpan.FromSeconds(60));
        line.Should().StartWith("listening ", "the server announces its port");
        return new PeerServer(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture));
    }

    private async Task<string?> PrepareAsync()
    {
        if (await FindMissingToolAsync() is { } missing)
        {
            return missing;
        }

        await BuildAsync();
        return null;
    }

    /// <summary>The reason the peer cannot run here (a missing tool), or <see langword="null"/> when it can.</summary>
    protected abstract Task<string?> FindMissingToolAsync();

    /// <summary>Builds the peer or installs its packages; runs once per test run, after <see cref="FindMissingToolAsync"/> found nothing missing.</summary>
    protected abstract Task BuildAsync();

    /// <summary>The client's command line, without the mode and its arguments.</summary>
    protected abstract PeerCommand ClientCommand { get; }

    /// <summary>The server's command line, without the catalog path.</summary>
    protected abstract PeerCommand ServerCommand { get; }

    /// <summary>Where a peer writes what it builds: under the test assembly's folder, out of the source tree.</summary>
    protected static string BuildDirectory(string name) => Path.Combine(AppContext.BaseDirectory, "interop-peers", name);

    /// <summary>Runs a build step, failing the test with its output if it fails or takes over five minutes.</summary>
    protected static async Task RunBuildStepAsync(PeerCommand command)
    {
        var (exitCode, output, error) = await PeerProcess.RunAsync(command, TimeSpan.FromMinutes(5));
        exitCode.Should().Be(0, $"{command} should succeed; it printed: {output}{error}");
    }

    /// <summary>The first of <paramref name="tools"/> not on the PATH, as a reason for skipping, or <see langword="null"/>.</summary>
    protected static string? FirstMissingOnPath(string peer, string packages, params string[] tools) =>
        tools.FirstOrDefault(tool => RequiredTool.FindOnPath(tool) is null) is { } missing
            ? $"{missing} is not on the PATH: the interop tests with the {peer} RouteGuide peer need it ({packages})."
            : null;
}
