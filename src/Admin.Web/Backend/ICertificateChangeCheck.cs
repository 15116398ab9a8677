using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.Backend;

/// <summary>Checks a certificate change against the DNS before it is saved (the CLI's `cert` commands ask the same).</summary>
public interface ICertificateChangeCheck
{
    /// <summary>
    /// Null when the change keeps the TLSA 3 1 1 records live for our host name valid (or the host's certificate does
    /// not change); else what breaks, naming the records. <paramref name="after"/> is the list as it would be saved.
    /// </summary>
    Task<string?> TlsaWarningAsync(IReadOnlyList<Certificate> before, IReadOnlyList<Certificate> after, CancellationToken cancellationToken);
}
