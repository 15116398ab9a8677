using MailHost.Server.Cli;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.Dkim;

/// <summary>A key signs only once the admin says so (its record must be published first), and only for a hosted domain.</summary>
public sealed class DkimKeyActivationTests : IAsyncLifetime
{
    private string _dataDir = "";

    public async Task InitializeAsync() => (_dataDir, _) = await TestDataDir.CreateAsync(db => db.Domains.Add(new Domain { Name = "hosted.test" }));

    public Task DisposeAsync()
    {
        TestDataDir.Delete(_dataDir);
        return Task.CompletedTask;
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, $"--MailHost:DataDir={_dataDir}"], TextReader.Null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Generate_FirstKeyWithoutActive_IsNotActive_UntilActivated()
    {
        var result = await RunAsync("dkim", "generate", "hosted.test", "--selector", "s1", "--algorithm", "ed25519");
        Assert.Equal(0, result.Code);
        Assert.Contains("not active", result.Out);
        await using (var db = new MailHostDbContext(MailHostDatabase.Options(_dataDir)))
        {
            Assert.False((await db.DkimKeys.SingleAsync()).Active);
        }
        Assert.Matches(@"hosted\.test\s+s1\s+Ed25519\s+\S+ \S+\s+no", (await RunAsync("dkim", "list")).Out);

        result = await RunAsync("dkim", "generate", "hosted.test", "--selector", "s2", "--algorithm", "ed25519", "--active");
        Assert.Contains(", active", result.Out);
        await using (var db = new MailHostDbContext(MailHostDatabase.Options(_dataDir)))
        {
            Assert.Equal("s2", (await db.DkimKeys.SingleAsync(k => k.Active)).Selector);
        }
    }

    [Fact]
    public async Task Generate_ForADomainNotHosted_IsRefused()
    {
        var result = await RunAsync("dkim", "generate", "elsewhere.test", "--selector", "s1", "--algorithm", "ed25519", "--active");
        Assert.Equal(1, result.Code);
        Assert.Contains("does not host the domain elsewhere.test", result.Err);
        await using var db = new MailHostDbContext(MailHostDatabase.Options(_dataDir));
        Assert.Empty(db.DkimKeys);
    }
}
