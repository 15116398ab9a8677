using System.ComponentModel.DataAnnotations;

namespace MailHost.Shared.Entities;

/// <summary>Server-wide settings; exactly one row (Id 1). Its <see cref="Revision"/> is the settings revision.</summary>
public class ServerSettings
{
    public int Id { get; set; } = 1;

    /// <summary>Incremented in the same transaction as every settings change; polled by running servers.</summary>
    public long Revision { get; set; }

    public string Hostname { get; set; } = "localhost";
    public string Banner { get; set; } = "MailHost ESMTP";
    public long MaxMessageSize { get; set; } = 35 * 1024 * 1024;
    public int MaxRecipients { get; set; } = 100;
    public bool VrfyEnabled { get; set; }
    public bool ReceivedHeaderShowsAuthUser { get; set; }

    /// <summary>Minutes between delivery attempts, comma-separated; the last value repeats.</summary>
    public string RetrySchedule { get; set; } = "5,10,20,40,80,160,240";
    public int GiveUpAfterHours { get; set; } = 120;

    public int MaxConnectionsPerIp { get; set; } = 20;
    public int MaxErrorsPerSession { get; set; } = 10;
    public int MaxCommandsBeforeMail { get; set; } = 50;

    public int AuthFailLimit { get; set; } = 5;
    public int AuthFailWindowMinutes { get; set; } = 10;
    public int AuthBanMinutes { get; set; } = 30;

    /// <summary>Largest header section accepted at DATA/BDAT and APPEND (Postfix's header_size_limit);
    /// also keeps untrusted mail away from MIME parsers whose cost grows with one header's size.</summary>
    public int MaxHeaderBytes { get; set; } = 102_400;

    /// <summary>Longest single header line (before unfolding) accepted at DATA/BDAT and APPEND.</summary>
    public int MaxHeaderLineLength { get; set; } = 8_192;

    /// <summary>Free-space reserve of the data folder's file system (Postfix's queue_minfree): below it
    /// intake answers 452 4.3.1 / NO [LIMIT] and the workers pause.</summary>
    public int MinFreeDiskMegabytes { get; set; } = 100;

    /// <summary>Delivery/TLS log retention: rows older than this are deleted.</summary>
    public int LogRetentionDays { get; set; } = 30;

    /// <summary>Delivery/TLS log retention: the log database is trimmed (oldest first) above this size.</summary>
    public int LogRetentionMegabytes { get; set; } = 1024;

    /// <summary>Authenticated senders may only use MAIL FROM / From: addresses they own (their
    /// address and aliases that deliver to them), like Postfix's reject_sender_login_mismatch.</summary>
    public bool RejectSenderLoginMismatch { get; set; } = true;

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
