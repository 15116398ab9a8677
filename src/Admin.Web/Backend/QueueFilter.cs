namespace MailHost.Admin.Web.Backend;

/// <summary>
/// Which queued messages a list or a bulk action covers: by state, by recipient domain, by age.
/// Shared by the queue page and `mailhost queue --state/--domain/--older-than` so both pick the same messages.
/// </summary>
public sealed record QueueFilter(string State = "", string Domain = "", int OlderThanMinutes = 0)
{
    public static QueueFilter All { get; } = new();

    public static readonly string[] States = ["queued", "deferred", "held"];

    public static string StateOf(bool held, int attempts) => held ? "held" : attempts > 0 ? "deferred" : "queued";

    public bool Matches(bool held, int attempts, DateTime createdUtc, IEnumerable<string> recipients, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        if (State.Length > 0 && !State.Equals(StateOf(held, attempts), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (OlderThanMinutes > 0 && createdUtc > nowUtc.AddMinutes(-OlderThanMinutes))
        {
            return false;
        }
        var domain = Domain.Trim().TrimStart('@');
        return domain.Length == 0 || recipients.Any(r => r.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase));
    }

    public bool Matches(QueueItem item, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Matches(item.Held, item.Attempts, item.CreatedUtc, item.Recipients.Split(", ", StringSplitOptions.RemoveEmptyEntries), nowUtc);
    }

    /// <summary>For the audit log: "state=deferred domain=example.net older than 60 min", or "all".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (State.Length > 0)
        {
            parts.Add("state=" + State);
        }
        if (Domain.Trim().Length > 0)
        {
            parts.Add("domain=" + Domain.Trim());
        }
        if (OlderThanMinutes > 0)
        {
            parts.Add($"older than {OlderThanMinutes} min");
        }
        return parts.Count == 0 ? "all" : string.Join(" ", parts);
    }
}
