using Grpc.Core;

namespace RouteGuide.Cli.Tls;

/// <summary>
/// Recognises a call that failed over TLS, or for the lack of it, and says in one line what is wrong and what to
/// do: TLS spoken to an h2c server or h2c to a TLS server (both otherwise end in messages about frames and
/// handshakes), or a server certificate the client does not trust. <see cref="ClientTls.DescribeRefusal"/> explains
/// a server that refuses the client's certificate.
/// </summary>
/// <remarks>
/// Grpc.Net.Client puts the messages of the exceptions that failed the connection into the status detail; these
/// are .NET's own (English, the tool runs with invariant globalization).
/// </remarks>
internal static class TlsFailure
{
    /// <summary>What went wrong, or null when the failure has nothing to do with TLS.</summary>
    public static string? Describe(RpcException exception, Uri target)
    {
        var detail = exception.Status.Detail;
        var https = target.Scheme == Uri.UriSchemeHttps;
        var other = new UriBuilder(target) { Scheme = https ? Uri.UriSchemeHttp : Uri.UriSchemeHttps }.Uri.Display();
        if (https && Has(detail, "Cannot determine the frame size or a corrupted frame was received"))
        {
            return $"it does not speak TLS on that port; if it serves HTTP/2 cleartext (h2c), use --target {other}.";
        }

        // A TLS server closes a connection that starts with the h2c preface: the client sees the end of the
        // response, or a broken pipe or reset if it was still writing.
        if (!https && detail.StartsWith("Error starting gRPC call", StringComparison.Ordinal)
            && ((Has(detail, "did not complete the HTTP/2 handshake") && Has(detail, "(ResponseEnded)"))
                || Has(detail, "Broken pipe") || Has(detail, "Connection reset by peer")))
        {
            return $"it closed the connection without answering in HTTP/2 cleartext (h2c); if it serves TLS, use --target {other}.";
        }

        const string Untrusted = "The remote certificate is invalid because of errors in the certificate chain: ";
        if (https && detail.IndexOf(Untrusted, StringComparison.Ordinal) is var at and >= 0)
        {
            var reason = detail[(at + Untrusted.Length)..].Split([' ', '.'], 2)[0];
            return $"its certificate is not trusted ({reason}); give the certificate authority that issued it with --ca FILE.pem.";
        }

        if (https && Has(detail, "The remote certificate is invalid because of a certificate name mismatch"))
        {
            return $"its certificate is not for {target.Host}; connect with a name the certificate lists.";
        }

        if (https && Has(detail, "The remote certificate was rejected by the provided RemoteCertificateValidationCallback"))
        {
            return $"its certificate is not trusted: it was not issued by a certificate authority in the --ca file, or not for {target.Host}.";
        }

        return null;
    }

    private static bool Has(string detail, string text) => detail.Contains(text, StringComparison.Ordinal);
}
