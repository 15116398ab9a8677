using System.Globalization;
using System.Text;
using MailHost.Admin.Web.Logs;
using MailHost.Shared.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Admin.Web;

/// <summary>CSV downloads of the delivery, TLS and audit logs, streamed row by row (logs can be large).</summary>
public static class CsvExportEndpoints
{
    private const int MaxRows = 1_000_000;

    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/export/delivery.csv", (HttpContext context, IDbContextFactory<LogsDbContext> dbFactory) =>
            WriteAsync(context, dbFactory, "delivery", "time_utc,message_id,sender,recipient,size,result,reason,remote_host,tls_version,cipher,queue_id,auth_user,tls_policy,detail",
                (db, filter) => filter.ApplySenderAuth(filter.Apply(db.DeliveryLog.AsNoTracking()), db.MailAuthResults.AsNoTracking()).OrderByDescending(e => e.Id).Take(MaxRows).AsAsyncEnumerable().Select(e =>
                    Row(e.TimeUtc, e.MessageId, e.Sender, e.Recipient, e.Size.ToString(CultureInfo.InvariantCulture), e.Result, e.Reason, e.RemoteHost, e.TlsVersion, e.Cipher, e.QueueId, e.AuthUser, e.TlsPolicy, e.Detail))))
            .RequireAuthorization();
        app.MapGet("/export/tls.csv", (HttpContext context, IDbContextFactory<LogsDbContext> dbFactory) =>
            WriteAsync(context, dbFactory, "tls", "time_utc,listener,remote,protocol,tls_version,cipher,sni,auth_mechanism,auth_result,auth_user,handshake,offered_versions,failure",
                (db, filter) => filter.Apply(db.TlsLog.AsNoTracking()).OrderByDescending(e => e.Id).Take(MaxRows).AsAsyncEnumerable().Select(e =>
                    Row(e.TimeUtc, e.Listener, e.RemoteEndpoint, e.Protocol, e.TlsVersion, e.Cipher, e.Sni, e.AuthMechanism, e.AuthResult, e.AuthUser, e.Handshake, e.OfferedVersions, e.Failure))))
            .RequireAuthorization();
        app.MapGet("/export/audit.csv", (HttpContext context, IDbContextFactory<MailHostDbContext> dbFactory) =>
            WriteAsync(context, dbFactory, "audit", "time_utc,actor,action,entity,old,new",
                (db, _) => db.AuditLog.AsNoTracking().OrderByDescending(e => e.Id).Take(MaxRows).AsAsyncEnumerable().Select(e =>
                    Row(e.TimeUtc, e.Actor, e.Action, e.Entity, e.OldValue, e.NewValue))))
            .RequireAuthorization();
        return app;
    }

    private static async Task WriteAsync<TContext>(HttpContext context, IDbContextFactory<TContext> dbFactory, string name, string header,
        Func<TContext, LogFilter, IAsyncEnumerable<string>> rows)
        where TContext : DbContext
    {
        var filter = Parse(context.Request.Query);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"mailhost-{name}-{DateTime.UtcNow:yyyyMMddHHmmss}.csv\"";
        await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false));
        await writer.WriteLineAsync(header);
        await foreach (var row in rows(db, filter).WithCancellation(context.RequestAborted))
        {
            await writer.WriteLineAsync(row);
        }
        await writer.FlushAsync(context.RequestAborted);
    }

    private static LogFilter Parse(IQueryCollection query)
    {
        static DateTime? Time(string? s) => DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new LogFilter
        {
            FromUtc = Time(query["from"]),
            ToUtc = Time(query["to"]),
            Text = query["q"].ToString(),
            Result = query["result"].ToString(),
            TlsVersion = query["tls"].ToString(),
            SenderAuth = query["auth"].ToString(),
        };
    }

    private static string Row(DateTime time, params string[] fields) =>
        time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "," + string.Join(",", fields.Select(CsvCell.Escape));
}
