using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RouteGuide.Core.AspNetCore;
using RouteGuide.Core.AspNetCore.Internal;
using RouteGuide.Core.Protocol;
using RouteGuide.Core.Rpc;
using RouteGuide.Core.Rpc.Internal;
using RouteGuide.Core.Statistics;
using RouteGuide.Core.Tests.Rpc;

namespace RouteGuide.Core.Tests.Endpoint;

/// <summary>
/// The connection limits of <see cref="RouteGuideServerOptions"/>, applied to Kestrel on 127.0.0.1: connections
/// and streams beyond them are refused, a peer that stops answering pings is dropped, and a well-behaved client
/// still gets its exact summary. Counts are small and every wait is bounded.
/// </summary>
public class ConnectionLimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Connections_beyond_the_limit_are_closed_while_a_client_within_it_gets_its_exact_summary()
    {
        await using var host = await StartAsync(server => server.MaxConcurrentConnections = 3);
        using var timeout = new CancellationTokenSource(Patience);
        var held = new List<RawHttp2Connection>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var idle = await RawHttp2Connection.ConnectAsync(host.Address, timeout.Token);
                held.Add(idle);
                (await idle.ReadServerSettingsAsync(timeout.Token)).Should().NotBeNull("connection {0} is within the limit", i + 1);
            }

            var route = Routes.Random(11, FeatureCatalog.Default, 500);
            var summary = await host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow + Patience);
            summary.Should().Be(Expected(route), "the third connection is within the limit");

            for (var i = 0; i < 3; i++)
            {
                var extra = await RawHttp2Connection.ConnectAsync(host.Address, timeout.Token);
                held.Add(extra);
                (await extra.ReadServerSettingsAsync(timeout.Token)).Should().BeNull("connection {0} is beyond the limit of 3 and is closed at once", i + 4);
            }
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Streams_beyond_the_limit_on_one_connection_are_refused_while_other_calls_get_their_exact_summaries()
    {
        await using var host = await StartAsync(server => server.MaxStreamsPerConnection = 2);
        using var timeout = new CancellationTokenSource(Patience);
        await using var raw = await RawHttp2Connection.ConnectAsync(host.Address, timeout.Token);
        var settings = await raw.ReadServerSettingsAsync(timeout.Token);
        settings!.Setting(RawHttp2Connection.MaxConcurrentStreams).Should().Be(2u, "the server announces its limit");

        int[] streams = [1, 3, 5, 7];
        foreach (var stream in streams)
        {
            await raw.OpenCallAsync(stream, "/routeguide.RouteGuide/RecordRoute", timeout.Token);
        }

        var resets = new List<Http2Frame>();
        while (resets.Count < 2 && await raw.ReadUntilAsync(frame => frame.Type == Http2Frame.ResetStream, timeout.Token) is { } reset)
        {
            resets.Add(reset);
        }

        resets.Select(reset => (reset.StreamId, reset.ErrorCode)).Should().BeEquivalentTo(
            [(5, RawHttp2Connection.RefusedStream), (7, RawHttp2Connection.RefusedStream)], "streams 1 and 3 are within the limit; 5 and 7 are beyond it");

        // A client within the limit gets its exact summaries.
        var routes = Enumerable.Range(0, 2).Select(i => Routes.Random(20 + i, FeatureCatalog.Default, 300)).ToArray();
        var summaries = await Task.WhenAll(routes.Select(route => host.Client.RecordRouteAsync(route, deadline: DateTime.UtcNow + Patience)));
        summaries.Should().Equal(routes.Select(Expected));
    }

    [Test]
    public async Task A_peer_that_stops_answering_keepalive_pings_is_disconnected_while_a_live_client_keeps_its_call()
    {
        await using var host = await StartAsync(server =>
        {
            server.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
            server.KeepAlivePingTimeout = TimeSpan.FromSeconds(1);
        });
        using var timeout = new CancellationTokenSource(Patience);

        // A live client: a route with a pause longer than the ping delay and timeout together.
        var route = Routes.Random(31, FeatureCatalog.Default, 2);
        using var call = host.Client.RecordRoute(deadline: DateTime.UtcNow + Patience);
        await call.RequestStream.WriteAsync(route[0]);

        await using (var silent = await RawHttp2Connection.ConnectAsync(host.Address, timeout.Token))
        {
            (await silent.ReadServerSettingsAsync(timeout.Token)).Should().NotBeNull();

            var ping = await silent.ReadUntilAsync(frame => frame.Type == Http2Frame.Ping, timeout.Token);
            ping.Should().NotBeNull("the server pings a silent connection");
            (await silent.ReadUntilAsync(_ => false, timeout.Token)).Should().BeNull("the server closes the connection of a peer that does not answer");
            timeout.IsCancellationRequested.Should().BeFalse("the connection ended within {0}, not by the test's timeout", Patience);
        }

        await call.RequestStream.WriteAsync(route[1]);
        await call.RequestStream.CompleteAsync();
        (await call.ResponseAsync).Should().Be(Expected(route), "the client answered every ping, so its call went on");
    }

    [Test]
    public async Task A_RecordRoute_stream_the_server_refuses_fails_as_Unavailable_and_never_yields_the_summary_of_an_empty_route()
    {
        // A new connection's first streams leave before the server's SETTINGS arrive, so beyond a limit of one
        // stream some are refused (REFUSED_STREAM) and SocketsHttpHandler sends them again. The fast path's
        // points cannot be replayed: such a call must fail, retryable, never succeed with an empty body.
        await using var host = await StartAsync(server => server.MaxStreamsPerConnection = 1);
        int exact = 0, refused = 0;
        for (var round = 0; round < 5; round++)
        {
            using var channel = RouteGuideChannel.ForAddress(host.Address);
            var client = channel.CreateRouteGuideClient();
            var routes = Enumerable.Range(0, 4).Select(i => Routes.Random((round * 10) + i, FeatureCatalog.Default, 200)).ToArray();
            var calls = routes.Select(route => client.RecordRouteAsync(route, deadline: DateTime.UtcNow + Patience)).ToArray();
            for (var i = 0; i < calls.Length; i++)
            {
                try
                {
                    (await calls[i]).Should().Be(Expected(routes[i]), "a call that succeeds has its exact summary");
                    exact++;
                }
                catch (Grpc.Core.RpcException e)
                {
                    e.StatusCode.Should().Be(Grpc.Core.StatusCode.Unavailable, "a refused stream was not processed and may be retried");
                    refused++;
                }
            }
        }

        TestContext.Out.WriteLine($"{exact} exact summaries, {refused} calls refused as Unavailable");
        exact.Should().BePositive();
    }

    [Test]
    public void The_defaults_are_applied_to_Kestrel()
    {
        var kestrel = new KestrelServerOptions();

        new KestrelLimitsSetup(Options.Create(new RouteGuideServerOptions())).Configure(kestrel);

        kestrel.Limits.MaxConcurrentConnections.Should().Be(1_000);
        kestrel.Limits.Http2.MaxStreamsPerConnection.Should().Be(100);
        kestrel.Limits.Http2.KeepAlivePingDelay.Should().Be(TimeSpan.FromSeconds(60));
        kestrel.Limits.Http2.KeepAlivePingTimeout.Should().Be(TimeSpan.FromSeconds(20));
    }

    [Test]
    public void No_keepalive_pings_is_spelt_as_an_infinite_delay()
    {
        var kestrel = new KestrelServerOptions();

        new KestrelLimitsSetup(Options.Create(new RouteGuideServerOptions { KeepAlivePingDelay = Timeout.InfiniteTimeSpan, MaxConcurrentConnections = null })).Configure(kestrel);

        kestrel.Limits.Http2.KeepAlivePingDelay.Should().Be(TimeSpan.MaxValue, "Kestrel's spelling of no pings");
        kestrel.Limits.MaxConcurrentConnections.Should().BeNull();
    }

    [TestCase(nameof(RouteGuideServerOptions.MaxConcurrentConnections), "must be at least 1, or null for no limit, not 0.")]
    [TestCase(nameof(RouteGuideServerOptions.MaxStreamsPerConnection), "must be at least 1, not 0.")]
    [TestCase(nameof(RouteGuideServerOptions.KeepAlivePingDelay), "must be positive, or Timeout.InfiniteTimeSpan for no pings, not 00:00:00.")]
    [TestCase(nameof(RouteGuideServerOptions.KeepAlivePingTimeout), "must be positive, not 00:00:00.")]
    public void An_invalid_limit_fails_with_a_message_naming_it(string name, string rule)
    {
        var options = new RouteGuideServerOptions();
        switch (name)
        {
            case nameof(RouteGuideServerOptions.MaxConcurrentConnections): options.MaxConcurrentConnections = 0; break;
            case nameof(RouteGuideServerOptions.MaxStreamsPerConnection): options.MaxStreamsPerConnection = 0; break;
            case nameof(RouteGuideServerOptions.KeepAlivePingDelay): options.KeepAlivePingDelay = TimeSpan.Zero; break;
            default: options.KeepAlivePingTimeout = TimeSpan.Zero; break;
        }

        var configure = () => new KestrelLimitsSetup(Options.Create(options)).Configure(new KestrelServerOptions());

        configure.Should().Throw<OptionsValidationException>().WithMessage($"RouteGuideServerOptions.{name} {rule}");
    }

    /// <summary>The summary of <paramref name="route"/> from the test host, whose clock does not move.</summary>
    private static RouteSummary Expected(Point[] route) => Routes.RecordLocally(route, FeatureCatalog.Default).ToSummary();

    private static Task<RouteGuideTestHost> StartAsync(Action<RouteGuideServerOptions> limits) =>
        RouteGuideTestHost.StartAsync(HostFlavour.Loopback, configureServices: services => services.Configure(limits));
}
