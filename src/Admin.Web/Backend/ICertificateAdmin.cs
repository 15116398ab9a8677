using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.Backend;

/// <summary>
/// Certificate files: key material is written under the data folder by the server and only the
/// resulting <see cref="Certificate"/> row is handed back, to be added through the settings editor.
/// </summary>
public interface ICertificateAdmin
{
    /// <summary>Imports PEM (certificate and key, or a certificate signed for a request made here) or PFX bytes; throws <see cref="ArgumentException"/> with a readable reason.</summary>
    Certificate Import(string name, byte[] content, string? password);

    Certificate CreateSelfSigned(string name, string hostname, bool rsa);

    /// <summary>A PKCS#10 request (PEM) for the names; its key waits in the data folder until the signed certificate is imported.</summary>
    string CreateSigningRequest(IReadOnlyList<string> hostNames, bool rsa);

    /// <summary>A server certificate issued by the private MailHost CA (created on first use).</summary>
    Certificate IssueFromPrivateCa(string name, IReadOnlyList<string> hostNames, bool rsa);

    /// <summary>The private CA's certificate PEM, or null when none was created.</summary>
    string? PrivateCaPem();

    /// <summary>True when the stored certificate at <paramref name="filePath"/> signs itself (issuer = subject); clients cannot verify it.</summary>
    bool IsSelfSigned(string filePath);
}
