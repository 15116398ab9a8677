using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>One step of a message's path, in the order it happened.</summary>
public sealed record TraceStep(string Stage, DeliveryLogEntry Row);

/// <summary>
/// A message's whole path from the delivery log: intake (client, TLS, AUTH, policy decision), queue,
/// each delivery attempt (MX, TLS, outbound policy, the peer's reply) and the DSN it caused, followed
/// from either its queue id or its Message-ID (the console's /trace page and `mailhost trace` alike).
/// </summary>
public static class MessageTrace
{
    private const int MaxRows = 2000;

    /// <summary>The stage a log row belongs to.</summary>
    public static string StageOf(DeliveryLogEntry row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Result switch
        {
            "accepted" or "refused" => "intake",
            "delivered" or "deferred" or "bounced" or "failed" => row.RemoteHost == "local" ? "local delivery" : "delivery attempt",
            "dsn" => "bounce/DSN",
            _ => row.Result,
        };
    }

    /// <summary>The steps of the message(s) <paramref name="id"/> names (a queue id or a Message-ID, with or without angle brackets), oldest first.</summary>
    public static async Task<IReadOnlyList<TraceStep>> FindAsync(LogsDbContext db, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(id);
        id = id.Trim();
        if (id.Length == 0)
        {
            return [];
        }
        var bracketed = id.StartsWith('<') ? id : $"<{id}>";
        var queueIds = await db.DeliveryLog.AsNoTracking()
            .Where(e => e.QueueId == id || e.MessageId == id || e.MessageId == bracketed)
            .Where(e => e.QueueId != "").Select(e => e.QueueId).Distinct().Take(50).ToListAsync(cancellationToken);
        // A DSN is part of the path: its own queue id (in the dsn row's Detail) is followed one level.
        var bounces = await db.DeliveryLog.AsNoTracking().Where(e => queueIds.Contains(e.QueueId) && e.Result == "dsn" && e.Detail != "")
            .Select(e => e.Detail).Distinct().ToListAsync(cancellationToken);
        var all = queueIds.Concat(bounces).ToList();
        var rows = await db.DeliveryLog.AsNoTracking()
            .Where(e => all.Contains(e.QueueId) || e.MessageId == id || e.MessageId == bracketed)
            .OrderBy(e => e.Id).Take(MaxRows).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.TimeUtc).ThenBy(r => r.Id).Select(r => new TraceStep(bounces.Contains(r.QueueId) && r.Result != "dsn" ? "bounce/DSN" : StageOf(r), r))];
    }

    /// <summary>The sender-authentication verdicts recorded for the traced message(s), by the queue ids and Message-IDs of the steps.</summary>
    public static async Task<IReadOnlyList<MailAuthResultEntry>> VerdictsAsync(LogsDbContext db, IReadOnlyList<TraceStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(steps);
        var queueIds = steps.Select(s => s.Row.QueueId).Where(q => q.Length > 0).Distinct().ToList();
        if (queueIds.Count == 0)
        {
            return [];
        }
        return await db.MailAuthResults.AsNoTracking().Where(v => queueIds.Contains(v.QueueId)).OrderBy(v => v.Id).Take(50).ToListAsync(cancellationToken);
    }
}
