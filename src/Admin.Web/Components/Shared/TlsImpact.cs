using MailHost.Admin.Web.Logs;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;

namespace MailHost.Admin.Web.Components.Shared;

/// <summary>Connections of the last 24 h that a TLS change would refuse, on one listener.</summary>
/// <param name="What">A verb phrase: "used TLS 1.2", "connected without TLS", "used ciphers this change removes (…)".</param>
public sealed record TlsBreak(string Listener, int Port, long Count, string What)
{
    public string Text => $"{Count} {(Count == 1 ? "connection" : "connections")} in the last 24 h {What} on {Listener} (port {Port}).";
}

/// <summary>What a TLS policy or listener TLS change would cost, shown before it is saved.</summary>
public sealed record TlsImpact(IReadOnlyList<TlsBreak> Breaks, IReadOnlyList<string> InboundMta, IReadOnlyList<string> Legacy)
{
    public static readonly TlsImpact None = new([], [], []);

    /// <summary>Saving asks first when someone would be refused or the inbound MTA port loses TLS 1.2; a legacy note alone does not.</summary>
    public bool NeedsConfirmation => Breaks.Count > 0 || InboundMta.Count > 0;
}

/// <summary>
/// Compares the TLS a listener offers before and after a change with what its clients used in the
/// last 24 h (the log writer's hourly buckets), so the admin sees who would break before saving.
/// </summary>
public static class TlsImpactCheck
{
    // What a listener without a policy gets (TlsUpgrader's built-in floor).
    private static readonly TlsPolicy BuiltInDefault = TlsPresets.Create("intermediate");

    private static readonly (string Label, string LogKey, Func<TlsPolicy, bool> On)[] VersionTable =
    [
        ("TLS 1.0", "TLSv1", p => p.Tls10),
        ("TLS 1.1", "TLSv1.1", p => p.Tls11),
        ("TLS 1.2", "TLSv1.2", p => p.Tls12),
        ("TLS 1.3", "TLSv1.3", p => p.Tls13),
    ];

    /// <summary>A policy edit: every listener that references it. <paramref name="before"/> is null for a new policy.</summary>
    public static TlsImpact ForPolicy(TlsPolicy? before, TlsPolicy after, IEnumerable<Listener> users, TlsUsage usage)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(users);
        var breaks = new List<TlsBreak>();
        var inbound = new List<string>();
        foreach (var l in before is null ? Enumerable.Empty<Listener>() : users)
        {
            Compare(l.Name, l, before!, l.TlsMode, after, usage, breaks, inbound);
        }
        return new TlsImpact(breaks, inbound, [.. TlsPresets.Warnings(after)]);
    }

    /// <summary>A listener edit: its old policy and TLS mode against the new ones (log rows carry the old name).</summary>
    public static TlsImpact ForListener(Listener before, TlsPolicy? beforePolicy, Listener after, TlsPolicy? afterPolicy, TlsUsage usage)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var breaks = new List<TlsBreak>();
        var inbound = new List<string>();
        Compare(before.Name, after, beforePolicy ?? BuiltInDefault, before.TlsMode, afterPolicy ?? BuiltInDefault, usage, breaks, inbound);
        return new TlsImpact(breaks, inbound, []);
    }

    private static void Compare(string loggedName, Listener after, TlsPolicy before, TlsMode beforeMode, TlsPolicy policy, TlsUsage usage,
        List<TlsBreak> breaks, List<string> inbound)
    {
        long Versions(Func<string, bool> key) =>
            usage.Versions.Where(v => v.Listener == loggedName && key(v.Version)).Sum(v => v.Count);
        void Add(long count, string what)
        {
            if (count > 0)
            {
                breaks.Add(new TlsBreak(after.Name, after.Port, count, what));
            }
        }

        if (after.TlsMode == TlsMode.None)
        {
            if (beforeMode != TlsMode.None)
            {
                Add(Versions(v => v.StartsWith("TLSv", StringComparison.Ordinal)), "used TLS (with TLS off it is no longer offered)");
            }
            return;
        }
        if (after.TlsMode == TlsMode.ImplicitTls && beforeMode != TlsMode.ImplicitTls)
        {
            Add(Versions(_ => true), "connected with STARTTLS or without TLS (implicit TLS refuses both)");
        }
        else if (after.TlsMode == TlsMode.StartTlsRequired && beforeMode is TlsMode.None or TlsMode.StartTlsOptional)
        {
            Add(Versions(v => v == TlsHandshakeStates.None), "connected without TLS (\"STARTTLS required\" refuses that)");
        }

        foreach (var (label, key, on) in VersionTable.Where(v => v.On(before) && !v.On(policy)))
        {
            Add(Versions(v => v == key), "used " + label);
        }

        // Ciphers only matter where their version stays on; connections of a dropped version are counted above.
        var removed = new List<(string Name, long Count)>();
        if ((policy.Tls10 || policy.Tls11 || policy.Tls12) && (before.Tls10 || before.Tls11 || before.Tls12))
        {
            removed.AddRange(RemovedCiphers(before.CipherList, policy.CipherList, CipherCatalog.Tls12, loggedName, usage));
        }
        if (policy.Tls13 && before.Tls13)
        {
            removed.AddRange(RemovedCiphers(before.Tls13Suites, policy.Tls13Suites, CipherCatalog.Tls13, loggedName, usage));
        }
        Add(removed.Sum(r => r.Count), $"used ciphers this change removes ({string.Join(", ", removed.Select(r => $"{r.Name} ×{r.Count}"))})");

        if ((after.Protocol == ListenerProtocol.Smtp || after.Port == 25) && before.Tls12 && !policy.Tls12)
        {
            inbound.Add($"{after.Name} (port {after.Port}) receives mail from other servers. Without TLS 1.2, a sending server that cannot do TLS 1.3 " +
                "falls back to plaintext (STARTTLS between servers is opportunistic) or, if it requires TLS, cannot deliver at all; " +
                "many servers on the Internet still negotiate TLS 1.2.");
        }
    }

    private static IEnumerable<(string Name, long Count)> RemovedCiphers(string before, string after,
        System.Collections.Frozen.FrozenDictionary<string, System.Net.Security.TlsCipherSuite> catalog, string listener, TlsUsage usage)
    {
        var kept = CipherCatalog.Split(after).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in CipherCatalog.Split(before).Where(n => !kept.Contains(n)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            // The TLS log records .NET's (IANA) suite name; the policy holds OpenSSL names.
            if (catalog.TryGetValue(name, out var suite))
            {
                var count = usage.Ciphers.Where(c => c.Listener == listener && c.Cipher == suite.ToString()).Sum(c => c.Count);
                if (count > 0)
                {
                    yield return (name, count);
                }
            }
        }
    }
}
