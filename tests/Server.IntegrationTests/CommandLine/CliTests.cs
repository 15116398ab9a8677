using MailHost.Server.Cli;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;

namespace MailHost.Server.IntegrationTests.CommandLine;

/// <summary>The command line on a real data folder: exit codes, every validation message, no partial writes.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private string _dataDir = "";

    public async Task InitializeAsync() => (_dataDir, _) = await TestDataDir.CreateAsync();

    public Task DisposeAsync()
    {
        TestDataDir.Delete(_dataDir);
        return Task.CompletedTask;
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, $"--MailHost:DataDir={_dataDir}"], new StringReader(stdin), output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task DomainAndAccount_AddListRemove_RoundTrip()
    {
        Assert.Equal(0, (await RunAsync("", "domain", "add", "Example.COM")).Code);
        var add = await RunAsync("s3cret-pass\n", "account", "add", "alice@example.com", "--password-stdin", "--imap", "no");
        Assert.Equal(0, add.Code);
        Assert.DoesNotContain("s3cret-pass", add.Out + add.Err);

        var list = await RunAsync("", "account", "list");
        Assert.Matches(@"alice@example\.com\s+yes\s+unlimited\s+yes\s+no\s+yes", list.Out);
        Assert.Contains("example.com", (await RunAsync("", "domain", "list")).Out);

        await using (var db = new MailHostDbContext(MailHostDatabase.Options(_dataDir)))
        {
            Assert.True(Auth.PasswordHasher.Verify("s3cret-pass", db.Accounts.Single().PasswordHash));
            Assert.Contains(db.AuditLog, a => a.Action == "account add alice@example.com" && !a.NewValue.Contains("pbkdf2"));
        }
        Assert.Equal(0, (await RunAsync("", "account", "remove", "alice@example.com")).Code);
        Assert.DoesNotContain("alice", (await RunAsync("", "account", "list")).Out);
    }

    [Fact]
    public async Task AccountInUnknownDomain_ExitsWith1_AndWritesNothing()
    {
        var result = await RunAsync("pw\n", "account", "add", "bob@nowhere.test", "--password-stdin");
        Assert.Equal(1, result.Code);
        Assert.Contains("domain 'nowhere.test' is not a local domain", result.Err);
        Assert.DoesNotContain("bob", (await RunAsync("", "account", "list")).Out);
    }

    [Fact]
    public async Task InvalidListenerAndServerValues_PrintEveryError_ExitWith1()
    {
        var listener = await RunAsync("", "listener", "set", "smtp", "--port", "70000", "--address", "not-an-ip");
        Assert.Equal(1, listener.Code);
        Assert.Contains("port 70000 is outside 1-65535", listener.Err);
        Assert.Contains("'not-an-ip' is not an IP address", listener.Err);

        var server = await RunAsync("", "server", "set", "--hostname", "bad host", "--max-recipients", "0");
        Assert.Equal(1, server.Code);
        Assert.Contains("Hostname", server.Err);
        Assert.Contains("MaxRecipients", server.Err);
    }

    [Fact]
    public async Task UnknownNounOrMissingArgument_ExitsWith2_WithUsage()
    {
        var unknown = await RunAsync("", "frobnicate");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("usage: mailhost", unknown.Err);
        Assert.Equal(2, (await RunAsync("", "domain", "add")).Code);
        Assert.Equal(2, (await RunAsync("", "listener", "set", "smtp", "--tls", "sometimes")).Code);
    }

    [Fact]
    public async Task IpRangeAndTlsPolicy_SetThroughCli_AreSavedAndListed()
    {
        Assert.Equal(0, (await RunAsync("", "iprange", "add", "partner", "198.51.100.0/24", "--relay", "yes", "--never-ban", "yes", "--priority", "30")).Code);
        Assert.Matches(@"partner\s+30\s+198\.51\.100\.0/24", (await RunAsync("", "iprange", "list")).Out);

        var tls = await RunAsync("", "tls", "policy", "set", "old-clients", "--preset", "legacy");
        Assert.Equal(0, tls.Code);
        Assert.Contains("warning: TLS 1.0/1.1 are deprecated", tls.Out);
        var weak = await RunAsync("", "tls", "policy", "set", "old-clients", "--ciphers", "RC4-SHA:NULL-MD5");
        Assert.Equal(1, weak.Code);
        Assert.Contains("RC4-SHA' is weak", weak.Err);
        Assert.Contains("NULL-MD5' is weak", weak.Err);
    }

    [Fact]
    public async Task IpRange_VerifySenderAuth_OnOff_SavedAndListed()
    {
        Assert.Equal(0, (await RunAsync("", "iprange", "add", "internet-a", "203.0.113.0/24", "--verify-sender-auth", "on")).Code);
        Assert.Matches(@"internet-a\s+\S+\s+203\.0\.113\.0/24(\s+\S+){8}\s+yes", (await RunAsync("", "iprange", "list")).Out);
        Assert.Contains("VERIFY-SENDER-AUTH", (await RunAsync("", "iprange", "list")).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("", "iprange", "set", "internet-a", "--verify-sender-auth", "off")).Code);
        Assert.Matches(@"internet-a\s+\S+\s+203\.0\.113\.0/24(\s+\S+){8}\s+no", (await RunAsync("", "iprange", "list")).Out);
        Assert.Equal(2, (await RunAsync("", "iprange", "set", "internet-a", "--verify-sender-auth", "sometimes")).Code);
    }

    [Fact]
    public async Task Status_WithoutRunningServer_SaysSo()
    {
        var status = await RunAsync("", "status");
        Assert.Equal(3, status.Code);
        Assert.Contains("not running", status.Out);
    }

    [Fact]
    public async Task ServerSet_HeaderLimits_ShownAndValidated()
    {
        Assert.Equal(0, (await RunAsync("", "server", "set", "--max-header-size", "65536", "--max-header-line-length", "2048")).Code);
        var show = await RunAsync("", "server", "show");
        Assert.Matches(@"max-header-size\s+65536", show.Out);
        Assert.Matches(@"max-header-line-length\s+2048", show.Out);

        var refused = await RunAsync("", "server", "set", "--max-header-size", "100", "--max-header-line-length", "500");
        Assert.Equal(1, refused.Code);
        Assert.Contains("MaxHeaderBytes", refused.Err);
        Assert.Contains("MaxHeaderLineLength", refused.Err);
        Assert.Matches(@"max-header-size\s+65536", (await RunAsync("", "server", "show")).Out);
    }
}
