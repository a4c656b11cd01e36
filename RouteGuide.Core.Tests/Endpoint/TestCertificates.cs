using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RouteGuide.Core.Tests.Cli;

namespace RouteGuide.Core.Tests.Endpoint;

/// <summary>
/// Certificates made for one test run (nothing is checked in): a certificate authority, a server certificate
/// for 127.0.0.1 and a client certificate issued by it, and a client certificate from an unrelated authority;
/// each written as PEM files (certificate, unencrypted PKCS#8 key) in a scratch directory.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly ScratchDirectory _files = new();

    public TestCertificates()
    {
        using var authority = CreateAuthority("RouteGuide Test CA");
        using var otherAuthority = CreateAuthority("Unrelated Test CA");
        CaPem = Write("ca.pem", authority.ExportCertificatePem());
        OtherCaPem = Write("other-ca.pem", otherAuthority.ExportCertificatePem());
        (ServerPem, ServerKey) = WritePair("server", Issue(authority, "CN=127.0.0.1", TlsUsage.Server));
        (ClientPem, ClientKey) = WritePair("client", Issue(authority, "CN=RouteGuide test client", TlsUsage.Client));
        (OtherClientPem, OtherClientKey) = WritePair("other-client", Issue(otherAuthority, "CN=Stranger", TlsUsage.Client));
    }

    private enum TlsUsage
    {
        Server,
        Client,
    }

    /// <summary>The directory the files are in.</summary>
    public string Directory => _files.Path;

    /// <summary>The certificate authority that issued the server and client certificates.</summary>
    public string CaPem { get; }

    /// <summary>Another certificate authority, which issued <see cref="OtherClientPem"/> only.</summary>
    public string OtherCaPem { get; }

    public string ServerPem { get; }

    public string ServerKey { get; }

    public string ClientPem { get; }

    public string ClientKey { get; }

    public string OtherClientPem { get; }

    public string OtherClientKey { get; }

    /// <summary>Writes a file of the test's own into the directory.</summary>
    public string Write(string name, string contents) => _files.Write(name, contents);

    public void Dispose() => _files.Dispose();

    private static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(2));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, TlsUsage usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [usage == TlsUsage.Server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (usage == TlsUsage.Server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        // Valid within the authority's validity, which began earlier and ends later.
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    private (string Certificate, string Key) WritePair(string name, X509Certificate2 certificate)
    {
        using (certificate)
        {
            using var key = certificate.GetECDsaPrivateKey()!;
            return (Write(name + ".pem", certificate.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()));
        }
    }
}
