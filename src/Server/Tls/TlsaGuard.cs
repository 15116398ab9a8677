using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Dns;

namespace MailHost.Server.Tls;

/// <summary>
/// Before a certificate change is saved: would the certificate served for our host name stop matching the
/// TLSA 3 1 1 records live in the DNS? Then every DANE sender defers our mail until the DNS is fixed (RFC 7672
/// §2.2: usable records and no match is no delivery), so the console asks and the CLI wants --force.
/// </summary>
public static class TlsaGuard
{
    /// <summary>The live state when the change breaks published TLSA records; null when it does not (or the host's certificate does not change).</summary>
    /// <param name="load">Opens a row's certificate (the CLI's new certificate is not saved yet).</param>
    public static async Task<TlsaState?> CheckChangeAsync(IDnsResolver dns, string hostname, IEnumerable<Certificate> before, IEnumerable<Certificate> after,
        Func<Certificate, X509Certificate2> load, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        var current = HostCertificate.Choose(before, hostname);
        var next = HostCertificate.Choose(after, hostname);
        if (next is null || current is not null && current.Name == next.Name && current.Thumbprint == next.Thumbprint)
        {
            return null;
        }
        using var certificate = load(next);
        var state = await PublishedTlsa.CheckAsync(dns, hostname, certificate, cancellationToken);
        return state.WouldBreak ? state : null;
    }

    public static string Message(TlsaState state, string certificateName)
    {
        ArgumentNullException.ThrowIfNull(state);
        return $"certificate '{certificateName}' would be served for the host name, but its key matches none of the TLSA records live in the DNS: {state.BrokenRecords}. " +
            $"DANE senders would defer all mail until {state.Name}. TLSA {state.Expected} is published (publish it next to the old one first, then switch).";
    }

    /// <summary>Shallow copies, so a change can be tried on them before it is saved.</summary>
    public static List<Certificate> Copy(IEnumerable<Certificate> rows) =>
        [.. rows.Select(c => new Certificate { Id = c.Id, Name = c.Name, FilePath = c.FilePath, HostNames = c.HostNames, Thumbprint = c.Thumbprint, KeyAlgorithm = c.KeyAlgorithm, NotAfterUtc = c.NotAfterUtc, IsDefault = c.IsDefault })];
}
