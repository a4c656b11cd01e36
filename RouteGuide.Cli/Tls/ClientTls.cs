using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using RouteGuide.Core.Rpc;

namespace RouteGuide.Cli.Tls;

/// <summary>
/// TLS for a client (<c>record</c>, <c>bench</c>) of an https:// server: the authorities it trusts instead of the
/// system's (<c>--ca</c>), the certificate it presents (<c>--client-cert</c>, <c>--client-key</c>), and whether the
/// server asked for a client certificate, to explain a refusal.
/// </summary>
internal sealed class ClientTls
{
    private volatile bool _serverAskedForCertificate;

    private ClientTls(TrustedAuthorities? authorities, X509Certificate2? certificate, string? certificatePath)
    {
        Authorities = authorities;
        Certificate = certificate;
        CertificatePath = certificatePath;
    }

    /// <summary>Trusted instead of the system's store; null to use the system's.</summary>
    public TrustedAuthorities? Authorities { get; }

    /// <summary>Presented to a server that asks for a client certificate; null for none.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The file <see cref="Certificate"/> came from.</summary>
    public string? CertificatePath { get; }

    /// <summary>Loads the files the options named (a <see cref="CommandException"/> naming a file that cannot be used); null for an http:// target.</summary>
    public static ClientTls? Load(Uri target, string? caPath, string? certificatePath, string? keyPath) =>
        target.Scheme != Uri.UriSchemeHttps ? null : new ClientTls(
            caPath is null ? null : TrustedAuthorities.Load(caPath, "--ca"),
            certificatePath is null ? null : PemFiles.LoadCertificateWithKey(certificatePath, "--client-cert", keyPath!, "--client-key"),
            certificatePath);

    /// <summary>
    /// Puts this TLS on a channel's options: the library's HTTP handler, with the RecordRoute fast path, trusting
    /// <see cref="Authorities"/> and presenting <see cref="Certificate"/> to a server that asks for one.
    /// </summary>
    public void Apply(GrpcChannelOptions options)
    {
        var handler = RouteGuideChannel.CreateHttpHandler();
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = Authorities is { } authorities
                ? (_, certificate, chain, errors) => authorities.AcceptServer(certificate, chain, errors)
                : null,
            LocalCertificateSelectionCallback = (_, _, _, remoteCertificate, _) =>
            {
                // Called before the handshake without the server's certificate, and again during it if the server asks
                // for one: the certificate goes only to a server that asks.
                if (remoteCertificate is null)
                {
                    return null!;
                }

                _serverAskedForCertificate = true;
                return Certificate!;
            },
        };

        // The handler this replaces was never used: disposing it releases nothing but is tidy.
        options.HttpHandler?.Dispose();
        options.HttpHandler = RouteGuideChannel.WithRecordRouteFastPath(handler);
        options.DisposeHttpClient = true;
    }

    /// <summary>
    /// Why the server refused the connection, when it asked for a client certificate and then closed the
    /// connection before the call started; null otherwise.
    /// </summary>
    public string? DescribeRefusal(RpcException exception) =>
        _serverAskedForCertificate
        && exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal
        && exception.Status.Detail.StartsWith("Error starting gRPC call", StringComparison.Ordinal)
            ? Certificate is null
                ? "it requires a client certificate (mutual TLS): give one with --client-cert and --client-key."
                : $"it refused the client certificate in {CertificatePath}: the server trusts another certificate authority, or the certificate is expired or not for client authentication."
            : null;
}
