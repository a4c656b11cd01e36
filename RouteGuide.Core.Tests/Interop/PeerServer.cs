namespace RouteGuide.Core.Tests.Interop;

/// <summary>A running peer server; disposing it closes its input, which stops it (or kills it after ten seconds).</summary>
internal sealed class PeerServer(PeerProcess process, int port) : IAsyncDisposable
{
    /// <summary>The port it serves on, on 127.0.0.1.</summary>
    public int Port { get; } = port;

    /// <summary>The address for a .NET channel.</summary>
    public string Address => $"http://127.0.0.1:{Port}";

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
