using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.Backend;

/// <summary>
/// Certificate files: key material is written under the data folder by the server and only the
/// resulting <see cref="Certificate"/> row is handed back, to be added through the settings editor.
/// </summary>
public interface ICertificateAdmin
{
    /// <summary>Imports PEM (certificate and key) or PFX bytes; throws <see cref="ArgumentException"/> with a readable reason.</summary>
    Certificate Import(string name, byte[] content, string? password);

    Certificate CreateSelfSigned(string name, string hostname, bool rsa);
}
