using System.Diagnostics;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>
/// Issue 11 item 1 as a class of test: every recursive or list parser given 100,000-deep or -wide
/// input terminates with its documented error (or a bounded result), never a stack overflow or a hang.
/// Each input runs in its own child process (<see cref="DeepInputChild"/>) on a 1 MB-stack thread: .NET
/// cannot catch a stack overflow, so a regression must kill the child and fail one test with the
/// child's exit code and stderr, while this test host and the other cases go on.
/// </summary>
public sealed class DeepInputTests
{
    private static readonly TimeSpan ChildLimit = TimeSpan.FromSeconds(90);

    public static IEnumerable<object[]> Imap => DeepInputChild.Names("imap");
    public static IEnumerable<object[]> Mime => DeepInputChild.Names("mime");
    public static IEnumerable<object[]> Addresses => DeepInputChild.Names("addresses");
    public static IEnumerable<object[]> Scram => DeepInputChild.Names("scram");

    [Theory]
    [MemberData(nameof(Imap))]
    public Task ImapCommand_DeepOrWide_ParseErrorOrResult(string name) => AssertChildSurvivesAsync("imap", name);

    [Theory]
    [MemberData(nameof(Mime))]
    public Task MimeMessage_DeepOrWide_ParsedWithBoundedNesting(string name) => AssertChildSurvivesAsync("mime", name);

    [Theory]
    [MemberData(nameof(Addresses))]
    public Task AddressList_DeepOrWide_Parsed(string name) => AssertChildSurvivesAsync("addresses", name);

    [Theory]
    [MemberData(nameof(Scram))]
    public Task ScramClientFirst_Huge_RefusedOrAnswered(string name) => AssertChildSurvivesAsync("scram", name);

    /// <summary>The harness can fail: unbounded recursion kills the child (SIGABRT, "Stack overflow"), and we are still here to say so.</summary>
    [Fact]
    public async Task Harness_StackOverflowInChild_IsAFailedExitWithStderr_NotADeadTestHost()
    {
        var (code, stderr) = await RunChildAsync("canary", "unbounded-recursion");
        Assert.NotEqual(DeepInputChild.Ok, code);
        Assert.Contains("Stack overflow", stderr, StringComparison.Ordinal);
    }

    private static async Task AssertChildSurvivesAsync(string kind, string name)
    {
        var (code, stderr) = await RunChildAsync(kind, name);
        Assert.True(code == DeepInputChild.Ok, $"{kind} {name}: child exited with {code}{(code == 134 ? " (SIGABRT: stack overflow?)" : "")}: {Tail(stderr)}");
    }

    private static async Task<(int Code, string Stderr)> RunChildAsync(string kind, string name)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", typeof(DeepInputChild).Assembly.Location, "deep-input", kind, name })
        {
            psi.ArgumentList.Add(a);
        }
        // A crashing child must not write a core dump per case.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        using var child = Process.Start(psi)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(ChildLimit);
        try
        {
            await child.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            return (-1, $"killed after {ChildLimit.TotalSeconds} s; " + await stderr);
        }
        await stdout;
        return (child.ExitCode, await stderr);
    }

    // A stack overflow prints thousands of frames: the head says what overflowed, the message must stay readable.
    private static string Tail(string stderr) => stderr.Length <= 4000 ? stderr : stderr[..4000] + " …";
}
