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

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
