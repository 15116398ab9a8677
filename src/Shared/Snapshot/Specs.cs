using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using MailHost.Shared.Entities;

namespace MailHost.Shared.Snapshot;

/// <summary>Server-wide values. Connection scope: hostname, banner. Transaction scope: the limits.</summary>
public sealed record ServerSpec(
    string Hostname,
    string Banner,
    long MaxMessageSize,
    int MaxRecipients,
    bool VrfyEnabled,
    bool ReceivedHeaderShowsAuthUser,
    ImmutableArray<TimeSpan> RetrySchedule,
    TimeSpan GiveUpAfter,
    int MaxConnectionsPerIp,
    int MaxErrorsPerSession,
    int MaxCommandsBeforeMail,
    int AuthFailLimit,
    TimeSpan AuthFailWindow,
    TimeSpan AuthBanDuration)
{
    /// <summary>Largest header section accepted at DATA/BDAT and APPEND (transaction scope).</summary>
    public int MaxHeaderBytes { get; init; } = 102_400;

    /// <summary>Longest header line (before unfolding, without CRLF) accepted at DATA/BDAT and APPEND.</summary>
    public int MaxHeaderLineLength { get; init; } = 8_192;
    /// <summary>Free space the data folder's file system keeps (Postfix's queue_minfree): below it mail is refused with 452 4.3.1 and workers pause.</summary>
    public long MinFreeDiskBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Postfix's reject_sender_login_mismatch: an authenticated client may send only as its own address or an alias it receives.</summary>
    public bool RejectSenderLoginMismatch { get; init; } = true;
}

/// <summary>A listener as the engine binds it. <see cref="Key"/> decides whether a change means a rebind.</summary>
public sealed record ListenerSpec(
    int Id,
    string Name,
    ListenerProtocol Protocol,
    IPEndPoint EndPoint,
    TlsMode TlsMode,
    bool AuthAllowed,
    int? TlsPolicyId,
    int MaxConnections,
    TimeSpan IdleTimeout)
{
    public ProxyProtocolMode ProxyProtocol { get; init; }

    /// <summary>Peers allowed to send the PROXY header; any other peer of a PROXY listener is refused.</summary>
    public ImmutableArray<AddressRange> ProxyTrustedSources { get; init; } = [];

    public ListenerKey Key => new(Protocol, EndPoint, TlsMode);
}

public readonly record struct ListenerKey(ListenerProtocol Protocol, IPEndPoint EndPoint, TlsMode TlsMode);

/// <summary>A TLS policy resolved into what SslStream takes.</summary>
public sealed record TlsPolicySpec(int Id, string Name, SslProtocols Protocols, ImmutableArray<TlsCipherSuite> Suites);

/// <summary>An IP range with its flags; the smallest containing range wins, then the highest priority.</summary>
public sealed record IpRangeSpec(
    int Id,
    string Name,
    int Priority,
    AddressRange Range,
    DateTime? ExpiresUtc,
    bool AllowSmtp,
    bool AllowImap,
    bool AllowPop3,
    bool AllowAuth,
    bool RequireTlsForAuth,
    bool AllowRelay,
    bool AllowLocalDeliveryWithoutAuth,
    bool NeverBan,
    bool VerifySenderAuthentication = false);

public sealed record RelayRuleSpec(
    int Id,
    int Order,
    string Name,
    bool? WhenAuthenticated,
    int? IpRangeId,
    string SenderDomain,
    string RecipientDomain,
    RelayAction Action,
    string Text,
    string SmartHost,
    int SmartHostPort,
    string SmartHostUser,
    string SmartHostPassword,
    OutboundTlsLevel OutboundTls,
    SslProtocols OutboundProtocols,
    OutboundDaneLevel OutboundDane = OutboundDaneLevel.Opportunistic);

public sealed record AccountSpec(
    int Id,
    string Address,
    string PasswordHash,
    long QuotaBytes,
    bool Enabled,
    bool AllowSmtp,
    bool AllowImap,
    bool AllowPop3);

/// <summary>A server certificate; <paramref name="KeyAlgorithm"/> is "ECDSA P-256", "RSA-2048"… (the Certificate row's), for picking the key a client can verify.</summary>
public sealed record CertificateSpec(int Id, string Name, string FilePath, ImmutableArray<string> HostNames, string Thumbprint, DateTime NotAfterUtc, bool IsDefault, string KeyAlgorithm = "")
{
    public bool IsEcdsa => KeyAlgorithm.StartsWith("ECDSA", StringComparison.Ordinal);
}

public sealed record DkimKeySpec(int Id, string Domain, string Selector, DkimAlgorithm Algorithm, string PrivateKeyPem, bool Active);
