using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RouteGuide.Cli.Tls;

/// <summary>
/// Reads certificates and private keys from PEM files. Every problem is a <see cref="CommandException"/>
/// (exit code 2) that names the file, the option it came from and what is wrong with it.
/// </summary>
internal static class PemFiles
{
    /// <summary>Loads a certificate and its private key, e.g. from <c>--cert</c> and <c>--key</c>.</summary>
    /// <param name="certificatePath">A PEM file with the certificate first (a chain may follow).</param>
    /// <param name="certificateOption">The option that named it, e.g. <c>--cert</c>.</param>
    /// <param name="keyPath">A PEM file with the certificate's private key, not encrypted (PKCS#8, PKCS#1 or SEC 1).</param>
    /// <param name="keyOption">The option that named it, e.g. <c>--key</c>.</param>
    /// <returns>The certificate, with its private key.</returns>
    public static X509Certificate2 LoadCertificateWithKey(string certificatePath, string certificateOption, string keyPath, string keyOption)
    {
        var certificateText = Read(certificatePath, certificateOption);
        var keyText = Read(keyPath, keyOption);
        using var certificate = ParseCertificate(certificateText, certificatePath, certificateOption);
        try
        {
            var withKey = X509Certificate2.CreateFromPem(certificateText, keyText);

            // Windows' TLS stack cannot use a key that exists only in memory; a PKCS#12 round trip stores it.
            return OperatingSystem.IsWindows()
                ? X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null)
                : withKey;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw CommandException.Input(DescribeKeyProblem(certificate, keyText, keyPath, keyOption, certificatePath), e);
        }
    }

    /// <summary>Loads the certificates of a certificate authority (or several) from a PEM file, e.g. from <c>--ca</c>.</summary>
    /// <param name="path">The PEM file: one or more <c>CERTIFICATE</c> blocks.</param>
    /// <param name="option">The option that named it.</param>
    /// <returns>The certificates; at least one.</returns>
    public static X509Certificate2Collection LoadAuthorities(string path, string option)
    {
        var text = Read(path, option);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw CommandException.Input($"{option} {path}: a CERTIFICATE block is not a valid certificate ({e.Message.TrimEnd('.')}).", e);
        }

        if (authorities.Count == 0)
        {
            throw CommandException.Input($"{option} {path}: the file holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block).");
        }

        return authorities;
    }

    private static string Read(string path, string option)
    {
        if (Directory.Exists(path))
        {
            throw CommandException.Input($"{option} {path}: is a directory; give the path of a PEM file.");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (FileNotFoundException e)
        {
            throw CommandException.Input($"{option} {path}: no such file.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CommandException.Input($"{option} {path}: cannot be read ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static X509Certificate2 ParseCertificate(string text, string path, string option)
    {
        if (!PemEncoding.TryFind(text, out _) || !text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            var hint = text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) ? " It holds a private key: is it the key file?" : string.Empty;
            throw CommandException.Input($"{option} {path}: the file holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block).{hint}");
        }

        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw CommandException.Input($"{option} {path}: the certificate is not valid ({e.Message.TrimEnd('.')}).", e);
        }
    }

    /// <summary>Why a key file does not give the certificate its private key: no key, an encrypted key, another algorithm, or another key.</summary>
    private static string DescribeKeyProblem(X509Certificate2 certificate, string keyText, string keyPath, string keyOption, string certificatePath)
    {
        if (keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return $"{keyOption} {keyPath}: the private key is encrypted; give it without a password (e.g. openssl pkey -in KEY -out plain.key).";
        }

        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            var hint = keyText.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) ? " It holds a certificate: is it the certificate file?" : string.Empty;
            return $"{keyOption} {keyPath}: the file holds no PEM private key (a '-----BEGIN PRIVATE KEY-----' block).{hint}";
        }

        if (!IsReadableKey(keyText))
        {
            return $"{keyOption} {keyPath}: the private key cannot be read; it must be an RSA or ECDSA key in PEM (PKCS#8, PKCS#1 or SEC 1).";
        }

        var algorithm = certificate.GetKeyAlgorithm() switch
        {
            "1.2.840.113549.1.1.1" => "RSA",
            "1.2.840.10045.2.1" => "ECDSA",
            var oid => oid,
        };
        return $"{keyOption} {keyPath}: the private key does not match the certificate in {certificatePath} (an {algorithm} certificate for {certificate.Subject}).";
    }

    private static bool IsReadableKey(string keyText)
    {
        using var rsa = RSA.Create();
        using var ecdsa = ECDsa.Create();
        return TryImport(rsa, keyText) || TryImport(ecdsa, keyText);
    }

    private static bool TryImport(AsymmetricAlgorithm key, string keyText)
    {
        try
        {
            key.ImportFromPem(keyText);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
