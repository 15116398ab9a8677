using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.Imap;
using MailHost.Server.Mime;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>
/// Issue 11 item 1 as a class of test: every recursive or list parser given 100,000-deep or -wide
/// input terminates with its documented error (or a bounded result), never a stack overflow or a hang.
/// Each input runs on a thread with a 1 MB stack, below the 1.5 MB of the thread-pool threads sessions
/// run on, so a depth limit that only just fits the default stack fails here. (256 KB was tried: SEARCH
/// overflows inside its own 256-level limit there, its frames are large.)
/// (.NET cannot catch a stack overflow: it ends the test run loudly, which still fails CI.)
/// </summary>
public sealed class DeepInputTests
{
    private const int SmallStack = 1024 * 1024;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(DeepInputGenerators.Imap), MemberType = typeof(DeepInputGenerators))]
    public void ImapCommand_DeepOrWide_ParseErrorOrResult(string name, string input) =>
        RunSmall(name, () =>
        {
            try
            {
                ParserFuzzTests.ParseImap(Encoding.UTF8.GetBytes(input));
            }
            catch (ImapParseException)
            {
                // The documented answer: the session replies BAD and goes on.
            }
        });

    [Theory]
    [MemberData(nameof(DeepInputGenerators.Mime), MemberType = typeof(DeepInputGenerators))]
    public void MimeMessage_DeepOrWide_ParsedWithBoundedNesting(string name, string input) =>
        RunSmall(name, () => ParserFuzzTests.MimeTarget(Encoding.UTF8.GetBytes(input)));

    [Theory]
    [MemberData(nameof(DeepInputGenerators.Addresses), MemberType = typeof(DeepInputGenerators))]
    public void AddressList_DeepOrWide_Parsed(string name, string input) =>
        RunSmall(name, () => _ = AddressParser.Parse(input));

    [Theory]
    [MemberData(nameof(DeepInputGenerators.Scram), MemberType = typeof(DeepInputGenerators))]
    public void ScramClientFirst_Huge_RefusedOrAnswered(string name, string input) =>
        RunSmall(name, () =>
        {
            var scram = new SaslScramSha256();
            try
            {
                _ = scram.Start(input, _ => null);
                _ = scram.Finish("c=biws,r=x,p=" + new string('p', 100_000));
            }
            catch (FormatException)
            {
                // Bad base64 in a proof: the mechanism fails the exchange.
            }
        });

    private static void RunSmall(string name, Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, SmallStack)
        { IsBackground = true, Name = "deep " + name };
        thread.Start();
        Assert.True(thread.Join(Limit), $"{name}: did not terminate within {Limit.TotalSeconds} s");
        Assert.True(failure is null, $"{name}: {failure}");
    }
}
