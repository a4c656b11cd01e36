using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace RouteGuide.Cli.Tls;

/// <summary>
/// TLS for <c>serve</c>: the server's certificate and key (<c>--cert</c>, <c>--key</c>) and, for mutual TLS, the
/// authorities whose client certificates it requires (<c>--client-ca</c>).
/// </summary>
/// <param name="Certificate">The server's certificate, with its private key.</param>
/// <param name="ClientAuthorities">When set, every client must present a certificate they issued, or the handshake fails.</param>
internal sealed record ServerTls(X509Certificate2 Certificate, TrustedAuthorities? ClientAuthorities)
{
    /// <summary>Loads the files the options named.</summary>
    public static ServerTls Load(string certificatePath, string keyPath, string? clientCaPath) => new(
        PemFiles.LoadCertificateWithKey(certificatePath, "--cert", keyPath, "--key"),
        clientCaPath is null ? null : TrustedAuthorities.Load(clientCaPath, "--client-ca"));

    /// <summary>Sets an HTTPS endpoint's certificate and, for mutual TLS, its client certificate check.</summary>
    public void Apply(HttpsConnectionAdapterOptions https)
    {
        https.ServerCertificate = Certificate;
        if (ClientAuthorities is { } authorities)
        {
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, chain, _) => authorities.Issued(certificate, chain, TrustedAuthorities.ClientAuthentication);
        }
    }
}
