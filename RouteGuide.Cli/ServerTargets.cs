using RouteGuide.Cli.Tls;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Cli;

/// <summary>
/// The RouteGuide servers a client command talks to: one URL, several URLs (one instance each), or one
/// <c>dns:///host:port</c> name whose addresses are the instances. With more than one instance, calls are
/// spread round-robin by Grpc.Net.Client's own load balancing.
/// </summary>
internal sealed class ServerTargets
{
    private const string DnsPrefix = "dns:///";

    private ServerTargets(IReadOnlyList<Uri> addresses, Uri? dnsName)
    {
        Addresses = addresses;
        DnsName = dnsName;
    }

    /// <summary>The http:// or https:// URLs given; empty when a DNS name was given.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The <c>dns:///host:port</c> name given, if any.</summary>
    public Uri? DnsName { get; }

    /// <summary>The DNS name, or else the first URL: the target whose scheme decides TLS and that errors name.</summary>
    public Uri First => DnsName ?? Addresses[0];

    /// <summary>Whether calls are spread over instances (several URLs, or a DNS name).</summary>
    public bool IsBalanced => DnsName is not null || Addresses.Count > 1;

    /// <summary>One target, as <see cref="Parse"/> would read it.</summary>
    public static ServerTargets Single(Uri address) => new([address], null);

    /// <summary>
    /// Reads the values of <c>--target</c>, each a URL or a comma-separated list of them, or one DNS name.
    /// </summary>
    /// <param name="values">What was written after each <c>--target</c>.</param>
    /// <param name="problem">When the result is <see langword="null"/>, one sentence saying what is wrong, naming the value.</param>
    /// <returns>The targets, or <see langword="null"/>.</returns>
    public static ServerTargets? Parse(IEnumerable<string> values, out string problem)
    {
        var items = values.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries)).ToList();
        problem = string.Empty;
        if (items.Count == 0 || items.Any(item => item.Length == 0))
        {
            problem = "--target must not be empty: give a URL such as http://127.0.0.1:50051, several separated by commas, or dns:///host:port.";
            return null;
        }

        if (items.Any(item => item.StartsWith(DnsPrefix, StringComparison.OrdinalIgnoreCase)))
        {
            if (items.Count > 1)
            {
                problem = $"--target {DnsPrefix}NAME stands alone: give either one {DnsPrefix}host:port name or http(s):// URLs, not both ({string.Join(", ", items)}).";
                return null;
            }

            var name = items[0];
            if (!Uri.TryCreate(name, UriKind.Absolute, out var dns) || dns.AbsolutePath.Trim('/') is not { Length: > 0 } hostAndPort
                || !TrySplitHostPort(hostAndPort))
            {
                problem = $"--target {DnsPrefix}NAME must be {DnsPrefix}host:port such as {DnsPrefix}routeguide.internal:50051, not '{name}'.";
                return null;
            }

            return new ServerTargets([], dns);
        }

        var addresses = new List<Uri>();
        foreach (var item in items)
        {
            if (CliOptions.ParseTarget(item) is not { } address)
            {
                problem = $"--target must be an http:// or https:// URL such as http://127.0.0.1:50051 (several separated by commas), or {DnsPrefix}host:port, not '{item}'.";
                return null;
            }

            addresses.Add(address);
        }

        if (addresses.Count > 1 && addresses.Select(address => address.Scheme).Distinct().Count() > 1)
        {
            problem = $"--target URLs must all be http:// or all https://, not a mix ({string.Join(", ", items)}).";
            return null;
        }

        if (addresses.Count > 1 && addresses.Any(address => address.AbsolutePath != "/"))
        {
            problem = $"--target URLs of several instances must have no path ({string.Join(", ", items)}).";
            return null;
        }

        return new ServerTargets(addresses, null);
    }

    /// <summary>The targets as people write them, e.g. <c>http://127.0.0.1:50051, http://127.0.0.1:50052</c>.</summary>
    public string Display() => DnsName is { } dns ? dns.ToString() : string.Join(", ", Addresses.Select(address => address.Display()));

    /// <summary>
    /// A channel to the targets, with <see cref="RouteGuideChannel"/>'s settings and the RecordRoute fast
    /// path; for several instances, Grpc.Net.Client's round-robin balancer over a static or DNS resolver.
    /// </summary>
    /// <param name="configure">Adjusts the options last (tests observe the HTTP handler this way).</param>
    /// <param name="tls">The client's TLS for https:// targets; the system's trust and no client certificate when null.</param>
    public GrpcChannel CreateChannel(Action<GrpcChannelOptions>? configure = null, ClientTls? tls = null)
    {
        if (!IsBalanced)
        {
            return RouteGuideChannel.ForAddress(Addresses[0], options =>
            {
                tls?.Apply(options);
                configure?.Invoke(options);
            });
        }

        var resolvers = new ServiceCollection();
        Uri address;
        var secure = false;
        if (DnsName is { } dns)
        {
            // Grpc.Net.Client resolves dns:/// names itself; each address the name has is an instance.
            address = dns;
        }
        else
        {
            var instances = Addresses.Select(uri => new BalancerAddress(uri.Host, uri.Port)).ToArray();
            resolvers.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => instances));
            address = new Uri("static:///routeguide");
            secure = Addresses[0].Scheme == Uri.UriSchemeHttps;
        }

        return RouteGuideChannel.ForAddress(address, options =>
        {
            options.Credentials = secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
            options.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
            options.ServiceProvider = resolvers.BuildServiceProvider();
            tls?.Apply(options);
            configure?.Invoke(options);
        });
    }

    private static bool TrySplitHostPort(string hostAndPort)
    {
        var colon = hostAndPort.LastIndexOf(':');
        return colon > 0 && int.TryParse(hostAndPort[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535;
    }
}
