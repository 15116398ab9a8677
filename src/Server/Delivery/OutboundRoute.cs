using System.Security.Authentication;
using MailHost.Shared.Validation;

namespace MailHost.Server.Delivery;

/// <summary>How mail for one recipient domain leaves: via a smarthost (a Route rule) or the domain's MX, under a TLS level.</summary>
public sealed record OutboundRoute(
    string Name,
    string? SmartHost,
    int Port,
    string User,
    string Password,
    OutboundTlsLevel TlsLevel,
    SslProtocols Protocols,
    OutboundDaneLevel Dane = OutboundDaneLevel.Opportunistic)
{
    public const SslProtocols DefaultProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public bool HasCredentials => User.Length > 0;

    /// <summary>The first Route rule, in order, whose recipient (and sender) domain patterns match; else MX with "may" and opportunistic DANE.</summary>
    public static OutboundRoute Find(MailHostSnapshot snapshot, string senderDomain, string recipientDomain, int mxPort)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var rule in snapshot.RelayRules.OrderBy(r => r.Order))
        {
            if (rule.Action != RelayAction.Route || !DomainName.Matches(rule.RecipientDomain, recipientDomain)
                || rule.SenderDomain.Length > 0 && !DomainName.Matches(rule.SenderDomain, senderDomain))
            {
                continue;
            }
            var protocols = rule.OutboundProtocols == SslProtocols.None ? DefaultProtocols : rule.OutboundProtocols;
            return new OutboundRoute(rule.Name, rule.SmartHost, rule.SmartHostPort, rule.SmartHostUser, rule.SmartHostPassword, rule.OutboundTls, protocols, rule.OutboundDane);
        }
        return new OutboundRoute("MX", null, mxPort, "", "", OutboundTlsLevel.May, DefaultProtocols, OutboundDaneLevel.Opportunistic);
    }
}
