using System.ComponentModel.DataAnnotations;

namespace MailHost.Shared.Entities;

/// <summary>One bound endpoint of the mail engine.</summary>
public class Listener
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public ListenerProtocol Protocol { get; set; }

    /// <summary>An IPv4 or IPv6 literal, or "any" / "0.0.0.0" / "::".</summary>
    public string BindAddress { get; set; } = "0.0.0.0";
    public int Port { get; set; }
    public TlsMode TlsMode { get; set; }

    /// <summary>Whether AUTH may be offered on this listener at all (hMailServer's DisableAUTHList).</summary>
    public bool AuthAllowed { get; set; } = true;
    public bool Enabled { get; set; } = true;
    public int? TlsPolicyId { get; set; }
    public TlsPolicy? TlsPolicy { get; set; }
    public int MaxConnections { get; set; } = 1000;
    public int IdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Off: the TCP peer is the client. Otherwise every connection must start with a PROXY header.</summary>
    public ProxyProtocolMode ProxyProtocol { get; set; }

    /// <summary>Comma-separated CIDRs or addresses of the load balancers allowed to send the PROXY header; required when it is on.</summary>
    public string ProxyTrustedSources { get; set; } = "";

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
