namespace MailHost.Server.Hosting;

/// <summary>The "MailHost" configuration section: where data lives and how the first run seeds settings.</summary>
public sealed class MailHostOptions
{
    public const string Section = "MailHost";

    public string DataDir { get; set; } = "./data";
    public string? Hostname { get; set; }
    public int PortOffset { get; set; }
    public string? AdminPassword { get; set; }

    /// <summary>How often the settings revision is polled so edits by the CLI or another process apply too.</summary>
    public int RevisionPollMilliseconds { get; set; } = 500;

    /// <summary>
    /// When true the queue runners deliver nothing: mail is accepted and stays in the queue (for
    /// maintenance, like Postfix's defer_transports, and for tests that inspect the spool).
    /// </summary>
    public bool PauseDelivery { get; set; }

    /// <summary>Records the log writer holds in memory before it drops routine ones (admin-relevant ones are kept longer).</summary>
    public int ActivityLogCapacity { get; set; } = 100_000;

    /// <summary>How often log retention (ServerSettings.LogRetentionDays/Megabytes) is enforced on logs.db.</summary>
    public int LogRetentionIntervalSeconds { get; set; } = 300;

    public string FullDataDir => Path.GetFullPath(DataDir);
}
