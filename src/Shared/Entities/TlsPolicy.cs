using System.ComponentModel.DataAnnotations;

namespace MailHost.Shared.Entities;

/// <summary>Named TLS versions and cipher lists, referenced by listeners.</summary>
public class TlsPolicy
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public bool Tls10 { get; set; }
    public bool Tls11 { get; set; }
    public bool Tls12 { get; set; } = true;
    public bool Tls13 { get; set; } = true;

    /// <summary>OpenSSL cipher names (colon-separated) for TLS 1.2 and below.</summary>
    public string CipherList { get; set; } = "";

    /// <summary>TLS 1.3 suite names (colon-separated).</summary>
    public string Tls13Suites { get; set; } = "";

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
