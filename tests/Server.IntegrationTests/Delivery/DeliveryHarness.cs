using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Logging;
using MailHost.Server.Queue;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>Starts a MailHost whose MX delivery goes to a loopback port and whose DNS is the test dnsmasq; queues messages directly.</summary>
public static class DeliveryHarness
{
    public const string LocalDomain = "mailhost.test";

    public static Task<TestServer> StartAsync(DnsmasqServer dns, int mxPort, Action<MailHostDbContext>? seed = null, params string[] extra) =>
        StartAsync(dns.EndPoint, mxPort, seed, extra);

    /// <summary>The same with any DNS server ("127.0.0.1:port"), e.g. a validating <see cref="UnboundServer"/>.</summary>
    public static Task<TestServer> StartAsync(string dnsEndPoint, int mxPort, Action<MailHostDbContext>? seed = null, params string[] extra) =>
        TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = LocalDomain });
            // DSNs to our senders are delivered locally: give them a mailbox so a bounce can be read back.
            db.Accounts.Add(new Account { Address = "alice@" + LocalDomain, PasswordHash = "" });
            seed?.Invoke(db);
        },
        [
            $"--MailHost:DnsServers={dnsEndPoint}",
            $"--MailHost:OutboundSmtpPort={mxPort}",
            "--MailHost:QueueScanSeconds=1",
            // The shared TestServer runs under the test host's name; the console's static-asset manifest is named after mailhost.
            "--applicationName=mailhost",
            "--MailHost:SmtpClientTimeoutSeconds=5",
            .. extra,
        ]);

    public static string Message(string from, string to, string subject = "test", string body = "Hello there.\r\n.leading dot line\r\n") =>
        $"From: Sender <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: Sun, 22 Nov 2026 08:00:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@{LocalDomain}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{body}";

    public static async Task<string> EnqueueAsync(TestServer server, string from, string[] to, string content, Action<QueuedMessage>? tweak = null)
    {
        var spool = server.Services.GetRequiredService<MessageSpool>();
        var id = MessageSpool.NewId();
        var (path, stream) = spool.CreateContentFile(id);
        var bytes = Encoding.UTF8.GetBytes(content);
        await using (stream)
        {
            await stream.WriteAsync(bytes);
            stream.Flush(flushToDisk: true);
        }
        var message = new QueuedMessage
        {
            Id = id,
            CreatedUtc = DateTime.UtcNow,
            Sender = from,
            Size = bytes.Length,
            Recipients = [.. to.Select(a => new QueuedRecipient { Address = a, NextAttemptUtc = DateTime.UtcNow, IsLocal = a.EndsWith("@" + LocalDomain, StringComparison.Ordinal) })],
        };
        tweak?.Invoke(message);
        await spool.EnqueueAsync(message, path, CancellationToken.None);
        return id;
    }

    /// <summary>Polls the envelope until <paramref name="done"/> holds (null envelope = removed from the queue).</summary>
    public static async Task<QueuedMessage?> WaitAsync(TestServer server, string id, Func<QueuedMessage?, bool> done, TimeSpan? timeout = null)
    {
        var spool = server.Services.GetRequiredService<MessageSpool>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var m = await spool.ReadAsync(id, CancellationToken.None);
            if (done(m))
            {
                return m;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"queued message {id} did not reach the expected state; last: {m?.Recipients.FirstOrDefault()?.LastResult}");
            }
            await Task.Delay(50);
        }
    }

    public static async Task<List<DeliveryLogEntry>> LogAsync(TestServer server)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await server.Services.GetRequiredService<ActivityLog>().FlushAsync(cts.Token);
        await using var db = new LogsDbContext(LogsDatabase.Options(server.DataDir));
        return await db.DeliveryLog.OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Messages other than <paramref name="except"/> now in the queue (bounces), with their content.</summary>
    /// <summary>
    /// Messages other than <paramref name="except"/>: those still in the spool, else (after a short wait)
    /// those the local worker has already delivered into mailboxes, such as a DSN to a local sender.
    /// </summary>
    public static async Task<List<(QueuedMessage? Envelope, string Content)>> OthersAsync(TestServer server, string except)
    {
        var spool = server.Services.GetRequiredService<MessageSpool>();
        var list = new List<(QueuedMessage?, string)>();
        foreach (var m in await spool.ListAsync(CancellationToken.None))
        {
            if (m.Id != except)
            {
                list.Add((m, await File.ReadAllTextAsync(spool.ContentPath(m.Id))));
            }
        }
        var store = Path.Combine(server.DataDir, "store");
        for (var waited = 0; list.Count == 0 && waited < 3000; waited += 100)
        {
            if (Directory.Exists(store))
            {
                foreach (var file in Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
                {
                    list.Add((null, await File.ReadAllTextAsync(file)));
                }
            }
            if (list.Count == 0)
            {
                await Task.Delay(100);
            }
        }
        return list;
    }
}
