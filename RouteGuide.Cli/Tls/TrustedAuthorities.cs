using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RouteGuide.Cli.Tls;

/// <summary>
/// The certificate authorities given in a PEM file (<c>--ca</c>, <c>--client-ca</c>), trusted instead of the
/// system's: a certificate is accepted only if it chains to one of them and is meant for its use.
/// </summary>
internal sealed class TrustedAuthorities(X509Certificate2Collection authorities)
{
    /// <summary>The extended key usage of a TLS server certificate.</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>The extended key usage of a TLS client certificate.</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Loads the authorities from a PEM file.</summary>
    public static TrustedAuthorities Load(string path, string option) => new(PemFiles.LoadAuthorities(path, option));

    /// <summary>
    /// Whether <paramref name="certificate"/> was issued by one of the authorities (through the intermediates
    /// the peer sent in <paramref name="presented"/>), is valid now, and allows <paramref name="usage"/>.
    /// </summary>
    public bool Issued(X509Certificate2 certificate, X509Chain? presented, Oid usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    /// <summary>
    /// Checks a server's certificate for a client: issued by these authorities, and for the host name the client
    /// asked for (the TLS stack's own name check is kept).
    /// </summary>
    public bool AcceptServer(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is X509Certificate2 server
        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
        && Issued(server, chain, ServerAuthentication);
}
