using System.Net;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;

namespace MailHost.Shared.Validation;

/// <summary>Checks a whole settings set and returns every error at once; the console, the CLI and the engine all use it.</summary>
public static class SettingsValidator
{
    public static IReadOnlyList<SettingsError> Validate(SettingsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var errors = new List<SettingsError>();
        ValidateServer(data.Server, errors);
        ValidateTlsPolicies(data.TlsPolicies, errors);
        ValidateListeners(data, errors);
        ValidateIpRanges(data.IpRanges, errors);
        ValidateRelayRules(data, errors);
        ValidateMailboxes(data, errors);
        ValidateDkim(data, errors);
        return errors;
    }

    private static void ValidateServer(ServerSettings s, List<SettingsError> errors)
    {
        const string item = "server";
        if (!DomainName.IsValid(s.Hostname))
        {
            errors.Add(new(item, nameof(s.Hostname), $"'{s.Hostname}' is not a valid host name"));
        }
        if (string.IsNullOrWhiteSpace(s.Banner) || s.Banner.Contains('\r', StringComparison.Ordinal) || s.Banner.Contains('\n', StringComparison.Ordinal))
        {
            errors.Add(new(item, nameof(s.Banner), "banner must be one non-empty line"));
        }
        if (s.MaxMessageSize < 1024)
        {
            errors.Add(new(item, nameof(s.MaxMessageSize), "must be at least 1024 bytes"));
        }
        ValidateHeaderLimits(s, errors);
        if (s.MinFreeDiskMegabytes is < 0 or > 1_000_000)
        {
            errors.Add(new(item, nameof(s.MinFreeDiskMegabytes), "must be between 0 and 1000000 MB"));
        }
        if (s.MaxRecipients < 1)
        {
            errors.Add(new(item, nameof(s.MaxRecipients), "must be at least 1"));
        }
        if (!RetrySchedule.TryParse(s.RetrySchedule, out _))
        {
            errors.Add(new(item, nameof(s.RetrySchedule), "must be positive minutes separated by commas"));
        }
        if (s.GiveUpAfterHours < 1)
        {
            errors.Add(new(item, nameof(s.GiveUpAfterHours), "must be at least 1"));
        }
        if (s.MaxConnectionsPerIp < 1 || s.MaxErrorsPerSession < 1 || s.MaxCommandsBeforeMail < 1)
        {
            errors.Add(new(item, "limits", "connection, error and command limits must be at least 1"));
        }
        if (s.AuthFailLimit < 1 || s.AuthFailWindowMinutes < 1 || s.AuthBanMinutes < 1)
        {
            errors.Add(new(item, "auth throttling", "failure limit, window and ban minutes must be at least 1"));
        }
    }

    // The ceiling keeps MIME parsing cheap (its cost grows with the square of one header's size); the
    // floors stay above RFC 5322 §2.1.1's 998-octet line so conforming mail always passes.
    private const int HeaderBytesCeiling = 1024 * 1024;

    private static void ValidateHeaderLimits(ServerSettings s, List<SettingsError> errors)
    {
        const string item = "server";
        if (s.MaxHeaderBytes < 4 * 1024 || s.MaxHeaderBytes > HeaderBytesCeiling)
        {
            errors.Add(new(item, nameof(s.MaxHeaderBytes), "must be between 4 KB and 1024 KB"));
        }
        if (s.MaxHeaderLineLength < 1024)
        {
            errors.Add(new(item, nameof(s.MaxHeaderLineLength), "must be at least 1 KB (RFC 5322 allows 998 characters)"));
        }
        else if (s.MaxHeaderLineLength > s.MaxHeaderBytes)
        {
            errors.Add(new(item, nameof(s.MaxHeaderLineLength), "must not exceed the max header size"));
        }
    }

    private static void ValidateTlsPolicies(List<TlsPolicy> policies, List<SettingsError> errors)
    {
        RequireUniqueNames(policies.Select(p => p.Name), "TLS policy", errors);
        foreach (var p in policies)
        {
            var item = $"TLS policy '{p.Name}'";
            if (!(p.Tls10 || p.Tls11 || p.Tls12 || p.Tls13))
            {
                errors.Add(new(item, "versions", "at least one TLS version must be enabled"));
            }
            if (p.Tls10 || p.Tls11 || p.Tls12)
            {
                var names = CipherCatalog.Split(p.CipherList).ToList();
                errors.AddRange(names.Select(n => CipherCatalog.Refusal(n, tls13: false)).OfType<string>().Select(m => new SettingsError(item, nameof(p.CipherList), m)));
                if (!names.Any(n => CipherCatalog.Tls12.ContainsKey(n)))
                {
                    errors.Add(new(item, nameof(p.CipherList), "no usable cipher for TLS 1.2 and below"));
                }
            }
            if (p.Tls13)
            {
                var names = CipherCatalog.Split(p.Tls13Suites).ToList();
                errors.AddRange(names.Select(n => CipherCatalog.Refusal(n, tls13: true)).OfType<string>().Select(m => new SettingsError(item, nameof(p.Tls13Suites), m)));
                if (!names.Any(n => CipherCatalog.Tls13.ContainsKey(n)))
                {
                    errors.Add(new(item, nameof(p.Tls13Suites), "no usable TLS 1.3 suite"));
                }
            }
        }
    }

    private static void ValidateListeners(SettingsData data, List<SettingsError> errors)
    {
        RequireUniqueNames(data.Listeners.Select(l => l.Name), "listener", errors);
        var endpoints = new Dictionary<IPEndPoint, string>();
        foreach (var l in data.Listeners)
        {
            var item = $"listener '{l.Name}'";
            if (!Enum.IsDefined(l.Protocol))
            {
                errors.Add(new(item, nameof(l.Protocol), "unknown protocol"));
            }
            if (!Enum.IsDefined(l.TlsMode))
            {
                errors.Add(new(item, nameof(l.TlsMode), "unknown TLS mode"));
            }
            if (l.Port is < 1 or > 65535)
            {
                errors.Add(new(item, nameof(l.Port), $"port {l.Port} is outside 1-65535"));
            }
            if (!BindAddress.TryParse(l.BindAddress, out var address))
            {
                errors.Add(new(item, nameof(l.BindAddress), $"'{l.BindAddress}' is not an IP address or 'any'"));
            }
            else if (l.Enabled && l.Port is >= 1 and <= 65535)
            {
                var ep = new IPEndPoint(address, l.Port);
                if (endpoints.TryGetValue(ep, out var other))
                {
                    errors.Add(new(item, nameof(l.Port), $"{ep} is already used by listener '{other}'"));
                }
                else
                {
                    endpoints[ep] = l.Name;
                }
            }
            if (l.TlsPolicyId is { } policyId && data.TlsPolicies.All(p => p.Id != policyId))
            {
                errors.Add(new(item, nameof(l.TlsPolicyId), $"TLS policy {policyId} does not exist"));
            }
            if (l.TlsMode != TlsMode.None && data.Certificates.Count == 0)
            {
                errors.Add(new(item, nameof(l.TlsMode), "TLS needs a certificate; import or generate one first"));
            }
            if (l.MaxConnections < 1)
            {
                errors.Add(new(item, nameof(l.MaxConnections), "must be at least 1"));
            }
            // RFC 9051 §5.4: an IMAP autologout timer must be at least 30 minutes.
            var minIdle = l.Protocol == ListenerProtocol.Imap ? 1800 : 10;
            if (l.IdleTimeoutSeconds < minIdle)
            {
                errors.Add(new(item, nameof(l.IdleTimeoutSeconds), $"must be at least {minIdle} seconds"));
            }
            ValidateProxyProtocol(l, item, errors);
        }
    }

    private static void ValidateProxyProtocol(Listener l, string item, List<SettingsError> errors)
    {
        if (!Enum.IsDefined(l.ProxyProtocol))
        {
            errors.Add(new(item, nameof(l.ProxyProtocol), "unknown PROXY protocol mode"));
        }
        var sources = ProxySources.Parse(l.ProxyTrustedSources, out var error);
        if (error is not null)
        {
            errors.Add(new(item, nameof(l.ProxyTrustedSources), error));
        }
        else if (l.ProxyProtocol != ProxyProtocolMode.Off && sources.IsEmpty)
        {
            // Without a list every peer could claim any client address and walk past bans and IP ranges.
            errors.Add(new(item, nameof(l.ProxyTrustedSources), "the PROXY protocol needs the load balancers' addresses (CIDR list)"));
        }
    }

    private static void ValidateIpRanges(List<IpRange> ranges, List<SettingsError> errors)
    {
        RequireUniqueNames(ranges.Select(r => r.Name), "IP range", errors);
        foreach (var r in ranges)
        {
            if (!AddressRange.TryParse(r.LowerAddress, r.UpperAddress, out _, out var error))
            {
                errors.Add(new($"IP range '{r.Name}'", "addresses", error!));
            }
        }
    }

    private static void ValidateRelayRules(SettingsData data, List<SettingsError> errors)
    {
        foreach (var r in data.RelayRules)
        {
            var item = $"relay rule '{r.Name}'";
            if (r.IpRangeId is { } rangeId && data.IpRanges.All(x => x.Id != rangeId))
            {
                errors.Add(new(item, nameof(r.IpRangeId), $"IP range {rangeId} does not exist"));
            }
            foreach (var (field, pattern) in new[] { (nameof(r.SenderDomain), r.SenderDomain), (nameof(r.RecipientDomain), r.RecipientDomain) })
            {
                if (pattern.Length > 0 && !DomainName.IsValidPattern(pattern))
                {
                    errors.Add(new(item, field, $"'{pattern}' is not a domain or *.domain pattern"));
                }
            }
            if (r.Action == RelayAction.Route)
            {
                if (!DomainName.IsValid(r.SmartHost) && !IPAddress.TryParse(r.SmartHost, out _))
                {
                    errors.Add(new(item, nameof(r.SmartHost), "a route needs a smarthost name or address"));
                }
                if (r.SmartHostPort is < 1 or > 65535)
                {
                    errors.Add(new(item, nameof(r.SmartHostPort), "port is outside 1-65535"));
                }
                if (r.OutboundTls != OutboundTlsLevel.None && !r.OutboundTls12 && !r.OutboundTls13)
                {
                    errors.Add(new(item, "outbound TLS", "at least one TLS version must be allowed"));
                }
            }
            if (r.Action is RelayAction.Deny && string.IsNullOrWhiteSpace(r.Text))
            {
                errors.Add(new(item, nameof(r.Text), "a deny rule needs the text to reply with"));
            }
        }
    }

    private static void ValidateMailboxes(SettingsData data, List<SettingsError> errors)
    {
        RequireUniqueNames(data.Domains.Select(d => d.Name.ToLowerInvariant()), "domain", errors);
        var domains = data.Domains.Select(d => d.Name.ToLowerInvariant()).ToHashSet();
        foreach (var d in data.Domains.Where(d => !DomainName.IsValid(d.Name)))
        {
            errors.Add(new($"domain '{d.Name}'", "name", "not a valid domain name"));
        }
        foreach (var d in data.Domains)
        {
            ValidateMtaSts(d, errors);
        }
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in data.Accounts)
        {
            var item = $"account '{a.Address}'";
            if (!MailAddress.TrySplit(a.Address, out _, out var domain))
            {
                errors.Add(new(item, nameof(a.Address), "not a valid address"));
            }
            else if (!domains.Contains(domain.ToLowerInvariant()))
            {
                errors.Add(new(item, nameof(a.Address), $"domain '{domain}' is not a local domain"));
            }
            if (!addresses.Add(a.Address))
            {
                errors.Add(new(item, nameof(a.Address), "address is used twice"));
            }
            if (a.QuotaBytes < 0)
            {
                errors.Add(new(item, nameof(a.QuotaBytes), "must be 0 (unlimited) or more"));
            }
        }
        foreach (var a in data.Aliases)
        {
            var item = $"alias '{a.Address}'";
            if (!MailAddress.TrySplit(a.Address, out _, out var domain) || !domains.Contains(domain.ToLowerInvariant()))
            {
                errors.Add(new(item, nameof(a.Address), "must be an address in a local domain"));
            }
            if (!addresses.Add(a.Address))
            {
                errors.Add(new(item, nameof(a.Address), "address is already an account or alias"));
            }
            var targets = a.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (targets.Length == 0 || targets.Any(t => !MailAddress.TrySplit(t, out _, out _)))
            {
                errors.Add(new(item, nameof(a.Targets), "needs one or more valid target addresses"));
            }
        }
    }

    private static void ValidateDkim(SettingsData data, List<SettingsError> errors)
    {
        foreach (var k in data.DkimKeys)
        {
            var item = $"DKIM key '{k.Selector}._domainkey.{k.Domain}'";
            if (!DomainName.IsValid(k.Domain))
            {
                errors.Add(new(item, nameof(k.Domain), "not a valid domain"));
            }
            if (!DomainName.IsValidLabel(k.Selector))
            {
                errors.Add(new(item, nameof(k.Selector), "a selector is one DNS label"));
            }
            if (string.IsNullOrWhiteSpace(k.PrivateKeyPem))
            {
                errors.Add(new(item, nameof(k.PrivateKeyPem), "missing private key"));
            }
        }
        foreach (var g in data.DkimKeys.Where(k => k.Active).GroupBy(k => k.Domain.ToLowerInvariant()).Where(g => g.Count() > 1))
        {
            errors.Add(new($"DKIM '{g.Key}'", "active", "only one key per domain can be active"));
        }
    }

    private static void RequireUniqueNames(IEnumerable<string> names, string kind, List<SettingsError> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add(new(kind, "name", "a name is required"));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new($"{kind} '{name}'", "name", "name is used twice"));
            }
        }
    }

    private static void ValidateMtaSts(Domain d, List<SettingsError> errors)
    {
        var item = $"domain '{d.Name}'";
        if (!Enum.IsDefined(d.MtaStsMode))
        {
            errors.Add(new(item, nameof(d.MtaStsMode), "not an MTA-STS mode (none, testing, enforce)"));
        }
        if (d.MtaStsMaxAgeSeconds < 1 || d.MtaStsMaxAgeSeconds > Domain.MaxMtaStsMaxAgeSeconds)
        {
            errors.Add(new(item, nameof(d.MtaStsMaxAgeSeconds), $"MTA-STS max_age must be 1 to {Domain.MaxMtaStsMaxAgeSeconds} seconds (RFC 8461 §3.2)"));
        }
        foreach (var mx in PublishedMtaStsPolicy.SplitMx(d.MtaStsMx))
        {
            // RFC 8461 §4.1: a pattern is a name or "*." and a name (the wildcard covers one label).
            var name = mx.StartsWith("*.", StringComparison.Ordinal) ? mx[2..] : mx;
            if (!DomainName.IsValid(name.TrimEnd('.')))
            {
                errors.Add(new(item, nameof(d.MtaStsMx), $"'{mx}' is not a host name or *.domain pattern"));
            }
        }
    }
}
