using RouteGuide.Cli;

namespace RouteGuide.Core.Tests.Cli;

/// <summary><c>routeguide serve</c> running in this process until disposed, with its output readable while it runs.</summary>
internal sealed class ServingCli : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _stop;
    private readonly Task<int> _serving;

    private ServingCli(CancellationTokenSource stop, Task<int> serving, ObservedWriter output, ObservedWriter error, string address)
    {
        _stop = stop;
        _serving = serving;
        Output = output;
        Error = error;
        Address = address;
    }

    public ObservedWriter Output { get; }

    public ObservedWriter Error { get; }

    /// <summary>The address serve printed, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string Address { get; }

    /// <summary>Runs <c>serve</c> with <paramref name="args"/> and waits until it prints the address it listens on.</summary>
    public static async Task<ServingCli> StartAsync(params string[] args)
    {
        var stop = new CancellationTokenSource();
        var output = new ObservedWriter();
        var error = new ObservedWriter();
        var serving = RouteGuideCli.RunAsync(["serve", .. args], output, error, cancellationToken: stop.Token);
        var listening = output.WaitForLineAsync(line => line.StartsWith("Listening on ", StringComparison.Ordinal) ? line["Listening on ".Length..] : null);
        var first = await Task.WhenAny(listening, serving).WaitAsync(Patience);
        if (first != listening)
        {
            stop.Dispose();
            Assert.Fail($"serve ended with {await serving} instead of listening; stderr: {error}");
        }

        return new ServingCli(stop, serving, output, error, await listening);
    }

    /// <summary>Stops serve as Ctrl+C does and checks that it ended normally.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        var exitCode = await _serving.WaitAsync(Patience);
        _stop.Dispose();
        exitCode.Should().Be(ExitCodes.Success, "serve stops normally; stderr: {0}", Error);
    }
}
