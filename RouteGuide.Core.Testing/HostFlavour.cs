namespace RouteGuide.Core.Testing;

/// <summary>How a <see cref="RouteGuideTestHost"/> carries calls between its client and its server.</summary>
public enum HostFlavour
{
    /// <summary>In memory, through ASP.NET Core's TestServer: no sockets and no ports.</summary>
    /// <remarks>The quickest flavour, for functional tests: what the service answers, logs and counts.</remarks>
    InMemory,

    /// <summary>Over real HTTP/2 (h2c), through Kestrel listening on 127.0.0.1 on a free port.</summary>
    /// <remarks>
    /// For what only a real connection shows: flow control, connection loss, shutdown, message size
    /// limits, and clients other than the host's own (another process, another language).
    /// </remarks>
    Loopback,
}
