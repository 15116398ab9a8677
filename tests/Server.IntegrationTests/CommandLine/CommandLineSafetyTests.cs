using MailHost.Server.Cli;
using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.CommandLine;

/// <summary>Help, typos and a wrong folder never change an installation or start a second server.</summary>
public sealed class CommandLineSafetyTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, TextReader.Null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("listener", "set", "smtp", "--help")]
    [InlineData("listener", "--help")]
    [InlineData("server", "set", "-h", "--banner", "changed")]
    public async Task HelpFlag_PrintsUsage_Exits2_ChangesNothing(params string[] args)
    {
        var (dataDir, _) = await TestDataDir.CreateAsync();
        try
        {
            var before = await RevisionAsync(dataDir);
            var result = await RunAsync([.. args, $"--MailHost:DataDir={dataDir}"]);
            Assert.Equal(2, result.Code);
            Assert.Contains("usage: mailhost", result.Out);
            Assert.Equal(before, await RevisionAsync(dataDir));
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Status_OnAFolderWithoutInstallation_Refuses_AndCreatesNothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-tests", "empty-" + Guid.NewGuid().ToString("N"));
        var result = await RunAsync("status", $"--MailHost:DataDir={dir}");
        Assert.Equal(2, result.Code);
        Assert.Contains("no MailHost data folder", result.Err);
        Assert.False(File.Exists(Path.Combine(dir, "settings.db")));
        Assert.DoesNotContain("admin console user", result.Out + result.Err);
    }

    [Theory]
    [InlineData(null, "--help")]
    [InlineData("--halp", "--halp")]
    [InlineData("stray", "--urls=http://127.0.0.1:0", "stray")]
    public void ServerArguments_HelpAndUnknownFlags_AreRecognised(string? unknown, params string[] args)
    {
        Assert.Equal(unknown is null, ServerArguments.AsksForHelp(args));
        if (unknown is not null)
        {
            Assert.Equal(unknown, ServerArguments.FirstUnknown(args));
        }
        Assert.Null(ServerArguments.FirstUnknown(["--urls", "http://127.0.0.1:0", "--MailHost:DataDir=/x", "--environment=Production"]));
    }

    [Fact]
    public async Task SecondServer_OnTheSameFolder_RefusesAndNamesThePid()
    {
        await using var first = await TestServer.StartAsync();
        var ex = Assert.Throws<DataFolderInUseException>(() => ServerHost.Build([$"--MailHost:DataDir={first.DataDir}", "--urls=http://127.0.0.1:0"], TextWriter.Null));
        Assert.Contains($"PID {Environment.ProcessId}", ex.Message);
        Assert.True(await Hosting.ListenerReloadTests.CanConnectAsync(first.Port("smtp")), "the first server was disturbed");
    }

    private static async Task<long> RevisionAsync(string dataDir)
    {
        await using var db = new MailHostDbContext(MailHostDatabase.Options(dataDir));
        return (await db.ServerSettings.SingleAsync()).Revision;
    }
}
