using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Cli.Tls;

/// <summary>
/// What a client (<c>record</c>, <c>bench</c>) uses for TLS beyond the system's defaults: the authorities it
/// trusts instead of the system's (<c>--ca</c>) and the certificate it presents (<c>--client-cert</c>, <c>--client-key</c>).
/// </summary>
/// <param name="Authorities">Trusted instead of the system's store; null to use the system's.</param>
/// <param name="Certificate">Presented to servers that ask for a client certificate; null for none.</param>
internal sealed record ClientTls(TrustedAuthorities? Authorities, X509Certificate2? Certificate)
{
    /// <summary>Loads the files the options named; null when none was given.</summary>
    public static ClientTls? Load(string? caPath, string? certificatePath, string? keyPath)
    {
        if (caPath is null && certificatePath is null)
        {
            return null;
        }

        return new ClientTls(
            caPath is null ? null : TrustedAuthorities.Load(caPath, "--ca"),
            certificatePath is null ? null : PemFiles.LoadCertificateWithKey(certificatePath, "--client-cert", keyPath!, "--client-key"));
    }

    /// <summary>A channel to <paramref name="target"/> with the library's settings and, when given, <paramref name="tls"/>.</summary>
    public static GrpcChannel CreateChannel(Uri target, ClientTls? tls)
    {
        if (tls is null)
        {
            return RouteGuideChannel.ForAddress(target);
        }

        var handler = RouteGuideChannel.CreateHttpHandler();
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = tls.Authorities is { } authorities
                ? (_, certificate, chain, errors) => authorities.AcceptServer(certificate, chain, errors)
                : null,
            ClientCertificates = tls.Certificate is { } certificate ? [certificate] : null,
        };
        return GrpcChannel.ForAddress(target, new GrpcChannelOptions
        {
            HttpHandler = RouteGuideChannel.WithRecordRouteFastPath(handler),
            DisposeHttpClient = true,
        });
    }
}
