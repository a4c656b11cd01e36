using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Core.Tests.Readme;

/// <summary>
/// Runs the README's hosting <c>Program.cs</c> (<see cref="ReadmeProgram"/>) as written, on free loopback
/// ports, and calls both its endpoints: the template's page over HTTP/1.1 and RecordRoute over h2c.
/// </summary>
public class ReadmeProgramTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task The_hosting_program_serves_the_template_page_over_HTTP1_and_RecordRoute_over_h2c()
    {
        var marker = Guid.NewGuid().ToString("N");
        var built = new TaskCompletionSource<IHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var observer = new HostBuiltObserver(marker, built);
        using var subscription = DiagnosticListener.AllListeners.Subscribe(observer);

        var program = Task.Run(() => ReadmeProgram.Run(["--WebPort=0", "--GrpcPort=0", $"--ReadmeRun={marker}"]));
        var host = await built.Task.WaitAsync(Patience);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            await WhenStarted(lifetime, program).WaitAsync(Patience);
            var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
            addresses.Should().HaveCount(2).And.AllSatisfy(a => a.Should().StartWith("http://127.0.0.1:"));

            using var http = new HttpClient { Timeout = Patience };
            using var page = await http.GetAsync(new Uri(addresses[0]));
            page.Version.Should().Be(HttpVersion.Version11);
            (await page.Content.ReadAsStringAsync()).Should().Be("Hello World!");

            using var channel = RouteGuideChannel.ForAddress(addresses[1]);
            Point[] route = [new Point { Latitude = 488583701, Longitude = 22944813 }, new Point { Latitude = 515007292, Longitude = -1246254 }];
            var summary = await channel.CreateRouteGuideClient().RecordRouteAsync(route, deadline: DateTime.UtcNow.Add(Patience));
            summary.Should().BeEquivalentTo(new { PointCount = 2, FeatureCount = 2, Distance = 340_544 });
        }
        finally
        {
            lifetime.StopApplication();
            await program.WaitAsync(Patience);
        }
    }

    private static async Task WhenStarted(IHostApplicationLifetime lifetime, Task program)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        var first = await Task.WhenAny(started.Task, program);
        await first; // Rethrows if the program failed before it started.
        program.IsCompleted.Should().BeFalse("the program runs until it is stopped");
    }

    /// <summary>Catches the host the program builds, through the hosting DiagnosticListener's "HostBuilt" event.</summary>
    private sealed class HostBuiltObserver(string marker, TaskCompletionSource<IHost> built)
        : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.Extensions.Hosting")
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value is { Key: "HostBuilt", Value: IHost host } && host.Services.GetRequiredService<IConfiguration>()["ReadmeRun"] == marker)
            {
                built.TrySetResult(host);
            }
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
