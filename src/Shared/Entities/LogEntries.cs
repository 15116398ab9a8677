namespace MailHost.Shared.Entities;

/// <summary>One accepted, refused or attempted delivery of a message to a recipient (logs.db).</summary>
public class DeliveryLogEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }

    /// <summary>The spool id MailHost gave the message at intake: every row of one message carries it.</summary>
    public string QueueId { get; set; } = "";

    /// <summary>The message's Message-ID header (empty when it has none or was refused before DATA).</summary>
    public string MessageId { get; set; } = "";
    public string Sender { get; set; } = "";
    public string Recipient { get; set; } = "";
    public long Size { get; set; }

    /// <summary>accepted, refused, delivered, deferred, bounced, failed, dsn.</summary>
    public string Result { get; set; } = "";
    public string Reason { get; set; } = "";

    /// <summary>Intake: the client's address; delivery: the MX host (or "local").</summary>
    public string RemoteHost { get; set; } = "";
    public string TlsVersion { get; set; } = "";
    public string Cipher { get; set; } = "";

    /// <summary>Intake: the authenticated user, if any.</summary>
    public string AuthUser { get; set; } = "";

    /// <summary>Delivery: the outbound TLS policy that applied (e.g. "opportunistic", "dane").</summary>
    public string TlsPolicy { get; set; } = "";

    /// <summary>Intake: the policy decisions (relay rule, IP range); DSN rows: the bounce's queue id.</summary>
    public string Detail { get; set; } = "";
}

/// <summary>One connection: where from, which TLS (or why TLS failed), which authentication result.</summary>
public class TlsLogEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }
    public string Listener { get; set; } = "";
    public string RemoteEndpoint { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string TlsVersion { get; set; } = "";
    public string Cipher { get; set; } = "";
    public string Sni { get; set; } = "";
    public string AuthMechanism { get; set; } = "";
    public string AuthResult { get; set; } = "";
    public string AuthUser { get; set; } = "";

    /// <summary>What happened to TLS: see <see cref="TlsHandshakeStates"/>.</summary>
    public string Handshake { get; set; } = "";

    /// <summary>A failed handshake: the versions the client offered (from its ClientHello).</summary>
    public string OfferedVersions { get; set; } = "";

    /// <summary>A failed handshake: the alert or reason.</summary>
    public string Failure { get; set; } = "";
}

/// <summary>Values of <see cref="TlsLogEntry.Handshake"/>: a failed STARTTLS is not a plaintext session.</summary>
public static class TlsHandshakeStates
{
    public const string Ok = "ok";
    public const string None = "none";
    public const string Failed = "failed";
    public const string StartTlsFailed = "starttls failed";
}

/// <summary>
/// Per-hour counters kept by the log writer, so the dashboard and the TLS impact check sum at most
/// 24 small rows instead of rescanning a day of log rows on every refresh.
/// </summary>
public class LogHourBucket
{
    public long Id { get; set; }
    public DateTime HourUtc { get; set; }

    /// <summary>"delivery" (Key = result), "tls" (Key = TLS version or "none"), "cipher" (Key = cipher).</summary>
    public string Kind { get; set; } = "";
    public string Listener { get; set; } = "";
    public string Key { get; set; } = "";
    public long Count { get; set; }
}

/// <summary>An administrative change: who, when, what, old and new values (settings.db: written with the change).</summary>
public class AdminAuditEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Entity { get; set; } = "";
    public string OldValue { get; set; } = "";
    public string NewValue { get; set; } = "";
}
