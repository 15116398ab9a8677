using System.ComponentModel.DataAnnotations;

namespace MailHost.Shared.Entities;

/// <summary>An address range with policy flags. The longest prefix matches first, then the highest priority.</summary>
public class IpRange
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Priority { get; set; }

    /// <summary>Lowest address of the range (IPv4 or IPv6 literal).</summary>
    public string LowerAddress { get; set; } = "";

    /// <summary>Highest address of the range, same family as <see cref="LowerAddress"/>.</summary>
    public string UpperAddress { get; set; } = "";
    public DateTime? ExpiresUtc { get; set; }

    public bool AllowSmtp { get; set; } = true;
    public bool AllowImap { get; set; } = true;
    public bool AllowPop3 { get; set; } = true;
    public bool AllowAuth { get; set; } = true;
    public bool RequireTlsForAuth { get; set; } = true;
    public bool AllowRelay { get; set; }
    public bool AllowLocalDeliveryWithoutAuth { get; set; } = true;

    /// <summary>Addresses here are never auto-banned, whatever they do.</summary>
    public bool NeverBan { get; set; }

    /// <summary>
    /// Check SPF, DKIM, DMARC and ARC on mail from unauthenticated clients here, add Authentication-Results
    /// and apply the DMARC policy ("the internet"). Off for trusted ranges: their mail is never checked or refused.
    /// </summary>
    public bool VerifySenderAuthentication { get; set; }

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
