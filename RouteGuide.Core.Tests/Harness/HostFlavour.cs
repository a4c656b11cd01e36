namespace RouteGuide.Core.Tests.Harness;

/// <summary>How a <see cref="RouteGuideTestHost"/> carries calls.</summary>
public enum HostFlavour
{
    /// <summary>ASP.NET Core's TestServer: no sockets, fast, for functional tests.</summary>
    InMemory,

    /// <summary>Kestrel on 127.0.0.1 with a free port, real HTTP/2: flow control, timing, volume.</summary>
    Loopback,
}
