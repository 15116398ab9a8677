using System.Text;
using System.Text.Json;
using MailHost.Server.Queue;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>What a killed MailHost leaves in its spool is finished by the next start, without sending twice.</summary>
public sealed class QueueRestartTests
{
    [Fact]
    public async Task Restart_SpoolLeftByKilledProcess_OnlyPendingRecipientDelivered()
    {
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "mx1.example.test", 10),
            DnsmasqServer.Address("mx1.example.test", "127.0.0.1"),
        ]);
        using var sink = await SmtpSink.StartAsync();
        const string id = "20261122000000deadbeef0001";
        var sender = "alice@" + DeliveryHarness.LocalDomain;
        // Written before the server starts, as the previous process left it: one recipient already
        // accepted by the peer (its envelope was rewritten after the 250), one still pending.
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port, db =>
        {
            var dataDir = Path.GetDirectoryName(db.Database.GetDbConnection().DataSource)!;
            var queue = Path.Combine(dataDir, "queue");
            Directory.CreateDirectory(queue);
            File.WriteAllText(Path.Combine(queue, id + ".eml"), DeliveryHarness.Message(sender, "carol@example.test", "left behind"), Encoding.UTF8);
            var envelope = new QueuedMessage
            {
                Id = id,
                CreatedUtc = DateTime.UtcNow.AddMinutes(-10),
                Sender = sender,
                Recipients =
                [
                    new QueuedRecipient { Address = "bob@example.test", State = RecipientState.Delivered, Attempts = 1, LastResult = "250 ok" },
                    new QueuedRecipient { Address = "carol@example.test", State = RecipientState.Pending, Attempts = 1, NextAttemptUtc = DateTime.UtcNow.AddMinutes(-1) },
                ],
            };
            File.WriteAllText(Path.Combine(queue, id + ".json"), JsonSerializer.Serialize(envelope));
        });

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var dumped = Assert.Single(sink.Messages());
        Assert.Contains("X-Rcpt-Args: <carol@example.test>", dumped);
        Assert.DoesNotContain("bob@example.test>", dumped.Split("Received:")[0]);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.Equal(("carol@example.test", "delivered"), (entry.Recipient, entry.Result));
    }
}
