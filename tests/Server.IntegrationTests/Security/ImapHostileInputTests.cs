using System.Net;
using System.Net.Sockets;
using System.Text;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// One hostile client against the real process: a 100,000-deep SEARCH is answered BAD and the
/// process (with another user's open session) survives; huge literals before authentication are
/// refused without a continuation and without growing the process.
/// </summary>
public sealed class ImapHostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Search_100000DeepAcrossLiteralLines_BadAndOtherSessionsKeepWorking()
    {
        var (server, dataDir) = await ImapAbuseServer.StartAsync();
        try
        {
            await using var bystander = await ImapAbuseServer.OpenAsync(server, "bob@example.com");
            await using var attacker = await ImapAbuseServer.OpenAsync(server, "alice@example.com");

            // Parentheses: lines stay under the 64 KB line limit; LITERAL+ strings carry the nesting on.
            var parens = new StringBuilder("P SEARCH ");
            for (var i = 0; i < 4; i++)
            {
                parens.Append(new string('(', 25_000)).Append("SUBJECT {1+}\r\nx ");
            }
            parens.Append("ALL\r\n");
            await attacker.SendAsync(parens.ToString());
            Assert.StartsWith("P BAD", (await attacker.UntilTaggedAsync("P"))[^1]);

            // An OR chain 100,000 deep, one short line per level.
            var or = new StringBuilder("O SEARCH ");
            for (var i = 0; i < 100_000; i++)
            {
                or.Append("OR SUBJECT {1+}\r\nx ");
            }
            or.Append("ALL ALL\r\n");
            await attacker.SendAsync(or.ToString());
            Assert.StartsWith("O BAD", (await attacker.UntilTaggedAsync("O"))[^1]);

            // NOT NOT ... as deep as one line allows (16,000 levels).
            await attacker.SendLineAsync("N SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 16_000)) + "ALL");
            Assert.StartsWith("N BAD", (await attacker.UntilTaggedAsync("N"))[^1]);

            Assert.False(server.HasExited, server.Output.ToString());
            Assert.StartsWith("A OK", (await attacker.CommandAsync("A", "SEARCH ALL"))[^1]);
            Assert.StartsWith("B OK", (await bystander.CommandAsync("B", "NOOP"))[^1]);
            await using var fresh = await ImapAbuseServer.OpenAsync(server, "bob@example.com");
            Assert.StartsWith("C OK", (await fresh.CommandAsync("C", "CAPABILITY"))[^1]);
        }
        finally
        {
            await server.DisposeAsync();
            TestDataDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Login_HugeLiteralsBeforeAuthentication_40Connections_RefusedUnbufferedMemoryBounded()
    {
        const int Connections = 40;
        const int Announced = 31_457_280;
        var (server, dataDir) = await ImapAbuseServer.StartAsync();
        var clients = new List<LineClient>();
        try
        {
            await Task.Delay(500);
            var baseline = ServerProcessMemory.RssKb(server.ProcessId);
            for (var i = 0; i < Connections; i++)
            {
                var source = IPAddress.Parse(i % 2 == 0 ? "127.3.0.1" : "127.3.0.2");
                var client = await ImapAbuseServer.OpenAsync(server, source: source);
                clients.Add(client);
                // Synchronising: refused at once, no "+" continuation, the session goes on.
                await client.SendLineAsync($"a LOGIN {{{Announced}}}");
                var reply = await client.ReadLineAsync();
                Assert.NotNull(reply);
                Assert.False(reply.StartsWith('+'), $"continuation sent for a {Announced}-byte literal before login: {reply}");
                Assert.Matches("^a (NO|BAD) ", reply);
                Assert.StartsWith("c OK", (await client.CommandAsync("c", "CAPABILITY"))[^1]);
            }
            // Non-synchronising: BAD, BYE, closed, without reading the data.
            var results = await Task.WhenAll(clients.Select(c => SendNonSynchronisingAsync(c, Announced)));
            foreach (var (_, lines) in results)
            {
                Assert.Contains(lines, l => l.StartsWith("b BAD", StringComparison.Ordinal) || l.StartsWith("b NO", StringComparison.Ordinal));
            }
            var sent = results.Select(r => r.Written);
            var loaded = ServerProcessMemory.RssKb(server.ProcessId);
            output.WriteLine($"VmRSS before {baseline / 1024} MB, after {Connections} connections with {sent.Sum() / 1024 / 1024} MB of literal data pushed: {loaded / 1024} MB");
            // Before the fix the same 40 connections buffered 30 MB each (1.2 GB).
            Assert.True(loaded - baseline < 64 * 1024, $"VmRSS grew from {baseline} KB to {loaded} KB");
            Assert.False(server.HasExited);
            await using var fresh = await ImapAbuseServer.OpenAsync(server, "alice@example.com");
            Assert.StartsWith("N OK", (await fresh.CommandAsync("N", "NOOP"))[^1]);
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
            await server.DisposeAsync();
            TestDataDir.Delete(dataDir);
        }
    }

    /// <summary>
    /// Announces a LITERAL+ literal and pushes its bytes until the server closes, reading the
    /// replies meanwhile (a reset would discard unread ones); returns the bytes written and the lines.
    /// </summary>
    private static async Task<(long Written, List<string> Lines)> SendNonSynchronisingAsync(LineClient client, int length)
    {
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await ReadOrNullAsync(client) is { } line)
            {
                lines.Add(line);
            }
        });
        long written = 0;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        try
        {
            await client.SendAsync($"b LOGIN {{{length}+}}\r\n");
            while (written < length && !reading.IsCompleted)
            {
                await client.SendBytesAsync(chunk);
                written += chunk.Length;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The server closed the connection: what the test wants.
        }
        await reading.WaitAsync(TimeSpan.FromSeconds(60));
        return (written, lines);
    }

    private static async Task<string?> ReadOrNullAsync(LineClient client)
    {
        try
        {
            return await client.ReadLineAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
