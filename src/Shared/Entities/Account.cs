using System.ComponentModel.DataAnnotations;

namespace MailHost.Shared.Entities;

/// <summary>A mailbox owner who can authenticate.</summary>
public class Account
{
    public int Id { get; set; }

    /// <summary>Full address, lower-case.</summary>
    public string Address { get; set; } = "";

    /// <summary>Password row "scram-sha-256+pbkdf2$…" (SCRAM StoredKey/ServerKey plus a PBKDF2 verifier); legacy rows "pbkdf2-sha256$…" are rewritten at the next login.</summary>
    public string PasswordHash { get; set; } = "";
    public long QuotaBytes { get; set; }
    public bool Enabled { get; set; } = true;
    public bool AllowSmtp { get; set; } = true;
    public bool AllowImap { get; set; } = true;
    public bool AllowPop3 { get; set; } = true;

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
