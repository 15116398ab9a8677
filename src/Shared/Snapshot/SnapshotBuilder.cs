using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using MailHost.Shared.Entities;
using MailHost.Shared.Validation;

namespace MailHost.Shared.Snapshot;

/// <summary>Turns validated settings entities into the immutable snapshot.</summary>
public static class SnapshotBuilder
{
    /// <summary>Validates, then builds. Returns null and the errors when the settings are invalid.</summary>
    public static MailHostSnapshot? TryBuild(SettingsData data, out IReadOnlyList<SettingsError> errors)
    {
        ArgumentNullException.ThrowIfNull(data);
        errors = SettingsValidator.Validate(data);
        return errors.Count > 0 ? null : Build(data);
    }

    private static MailHostSnapshot Build(SettingsData d)
    {
        var s = d.Server;
        _ = RetrySchedule.TryParse(s.RetrySchedule, out var schedule);
        var server = new ServerSpec(
            s.Hostname, s.Banner, s.MaxMessageSize, s.MaxRecipients, s.VrfyEnabled, s.ReceivedHeaderShowsAuthUser,
            schedule, TimeSpan.FromHours(s.GiveUpAfterHours), s.MaxConnectionsPerIp, s.MaxErrorsPerSession, s.MaxCommandsBeforeMail,
            s.AuthFailLimit, TimeSpan.FromMinutes(s.AuthFailWindowMinutes), TimeSpan.FromMinutes(s.AuthBanMinutes))
        {
            MaxHeaderBytes = s.MaxHeaderBytes,
            MaxHeaderLineLength = s.MaxHeaderLineLength,
            MinFreeDiskBytes = s.MinFreeDiskMegabytes * 1024L * 1024,
            RejectSenderLoginMismatch = s.RejectSenderLoginMismatch,
        };

        var listeners = d.Listeners.Where(l => l.Enabled).Select(l =>
        {
            _ = BindAddress.TryParse(l.BindAddress, out var address);
            return new ListenerSpec(l.Id, l.Name, l.Protocol, new IPEndPoint(address, l.Port), l.TlsMode, l.AuthAllowed, l.TlsPolicyId,
                l.MaxConnections, TimeSpan.FromSeconds(l.IdleTimeoutSeconds))
            {
                ProxyProtocol = l.ProxyProtocol,
                ProxyTrustedSources = ProxySources.Parse(l.ProxyTrustedSources, out _),
            };
        }).ToImmutableArray();

        var policies = d.TlsPolicies.ToFrozenDictionary(p => p.Id, ToSpec);

        var ranges = d.IpRanges.Select(r =>
        {
            _ = AddressRange.TryParse(r.LowerAddress, r.UpperAddress, out var range, out _);
            return new IpRangeSpec(r.Id, r.Name, r.Priority, range, r.ExpiresUtc, r.AllowSmtp, r.AllowImap, r.AllowPop3, r.AllowAuth,
                r.RequireTlsForAuth, r.AllowRelay, r.AllowLocalDeliveryWithoutAuth, r.NeverBan, r.VerifySenderAuthentication);
        }).ToImmutableArray();

        var rules = d.RelayRules.OrderBy(r => r.Order).ThenBy(r => r.Id).Select(r => new RelayRuleSpec(
            r.Id, r.Order, r.Name, r.WhenAuthenticated, r.IpRangeId, r.SenderDomain, r.RecipientDomain, r.Action, r.Text,
            r.SmartHost, r.SmartHostPort, r.SmartHostUser, r.SmartHostPassword, r.OutboundTls,
            (r.OutboundTls12 ? SslProtocols.Tls12 : SslProtocols.None) | (r.OutboundTls13 ? SslProtocols.Tls13 : SslProtocols.None), r.OutboundDane)).ToImmutableArray();

        var certificates = d.Certificates.Select(c => new CertificateSpec(c.Id, c.Name, c.FilePath,
            [.. c.HostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(h => h.ToLowerInvariant())],
            c.Thumbprint, c.NotAfterUtc, c.IsDefault, c.KeyAlgorithm)).ToImmutableArray();

        return new MailHostSnapshot(
            s.Revision,
            server,
            listeners,
            policies,
            certificates,
            ranges,
            rules,
            d.Domains.Select(x => x.Name.TrimEnd('.').ToLowerInvariant()).ToFrozenSet(),
            d.Accounts.ToFrozenDictionary(a => a.Address.ToLowerInvariant(),
                a => new AccountSpec(a.Id, a.Address.ToLowerInvariant(), a.PasswordHash, a.QuotaBytes, a.Enabled, a.AllowSmtp, a.AllowImap, a.AllowPop3)),
            d.Aliases.ToFrozenDictionary(a => a.Address.ToLowerInvariant(),
                a => a.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).ToImmutableArray()),
            [.. d.DkimKeys.Select(k => new DkimKeySpec(k.Id, k.Domain.ToLowerInvariant(), k.Selector, k.Algorithm, k.PrivateKeyPem, k.Active))])
        {
            MtaStsPolicies = d.Domains.Select(x => PublishedMtaStsPolicy.For(x, s.Hostname)).OfType<PublishedMtaStsPolicy>()
                .ToFrozenDictionary(p => p.PolicyHost, StringComparer.OrdinalIgnoreCase),
        };
    }

    public static TlsPolicySpec ToSpec(TlsPolicy p)
    {
        ArgumentNullException.ThrowIfNull(p);
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0/1.1 are opt-in legacy settings; the validator and console warn about them.
        var protocols = (p.Tls10 ? SslProtocols.Tls : SslProtocols.None) | (p.Tls11 ? SslProtocols.Tls11 : SslProtocols.None)
#pragma warning restore SYSLIB0039, CA5397
            | (p.Tls12 ? SslProtocols.Tls12 : SslProtocols.None) | (p.Tls13 ? SslProtocols.Tls13 : SslProtocols.None);
        var suites = new List<TlsCipherSuite>();
        if (p.Tls13)
        {
            suites.AddRange(CipherCatalog.Split(p.Tls13Suites).Where(CipherCatalog.Tls13.ContainsKey).Select(n => CipherCatalog.Tls13[n]));
        }
        if (p.Tls10 || p.Tls11 || p.Tls12)
        {
            suites.AddRange(CipherCatalog.Split(p.CipherList).Where(CipherCatalog.Tls12.ContainsKey).Select(n => CipherCatalog.Tls12[n]));
        }
        return new TlsPolicySpec(p.Id, p.Name, protocols, [.. suites.Distinct()]);
    }
}
