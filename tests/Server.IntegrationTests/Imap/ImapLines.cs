using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Imap;

/// <summary>Raw IMAP over <see cref="LineClient"/>: sends a tagged command and collects lines up to its tagged reply.</summary>
public static class ImapLines
{
    public static async Task<List<string>> CommandAsync(this LineClient client, string tag, string command)
    {
        await client.SendLineAsync($"{tag} {command}");
        return await client.UntilTaggedAsync(tag);
    }

    public static async Task<List<string>> UntilTaggedAsync(this LineClient client, string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await client.ReadLineAsync() ?? throw new IOException("closed after: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    public static async Task LoginAsync(this LineClient client, string user)
    {
        var reply = await client.CommandAsync("L", $"LOGIN {user} pw");
        Assert.StartsWith("L OK", reply[^1]);
    }
}
