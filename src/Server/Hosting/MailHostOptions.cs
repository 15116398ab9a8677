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

    /// <summary>"MailHost:Database": SQLite in the data folder (default) or one PostgreSQL database shared by several nodes.</summary>
    public Shared.Data.DatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// Node-local: listeners whose bind address is "any" bind to this address instead, so several nodes
    /// can share one machine (tests) and a multi-homed host can pin one address. Empty: bind as configured.
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>This node's name in the Nodes table (PostgreSQL only); default: the host name, plus ListenAddress when set.</summary>
    public string? NodeName { get; set; }

    public string FullDataDir => Path.GetFullPath(DataDir);

    public string EffectiveNodeName =>
        NodeName is { Length: > 0 } n ? n : ListenAddress is { Length: > 0 } a ? $"{Environment.MachineName}@{a}" : Environment.MachineName;
}
