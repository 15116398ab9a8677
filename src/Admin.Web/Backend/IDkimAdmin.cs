using MailHost.Shared.Entities;
using MailHost.Shared.Validation;

namespace MailHost.Admin.Web.Backend;

/// <summary>DKIM keys for the console: the same generation and rules as `mailhost dkim`, plus a DNS check.</summary>
public interface IDkimAdmin
{
    /// <summary>A new key row with its private key, not saved yet.</summary>
    DkimKey Create(string domain, string selector, DkimAlgorithm algorithm);

    /// <summary>Inside a settings edit: adds the key; returns whether it became the domain's active key.</summary>
    bool Add(SettingsData data, DkimKey key, bool activate);

    /// <summary>Inside a settings edit: makes the key the only active one of its domain.</summary>
    void Activate(SettingsData data, DkimKey key);

    DkimTxtRecord TxtRecord(DkimKey key);

    Task<DkimDnsCheck> CheckDnsAsync(DkimKey key, CancellationToken cancellationToken);
}

/// <summary>What to publish: the owner name, the value, and the same as a zone-file line.</summary>
public sealed record DkimTxtRecord(string Name, string Value, string ZoneLine);

public enum DkimDnsStatus
{
    Match,
    Mismatch,
    NotFound,
    DnsError,
}

public sealed record DkimDnsCheck(DkimDnsStatus Status, string Detail);
