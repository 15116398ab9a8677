using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.Imap;
using MailHost.Server.Mime;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>
/// The entry point of this test assembly when run as a child process
/// (`dotnet exec MailHost.Server.Tests.dll deep-input KIND NAME`): it rebuilds one deep input from
/// <see cref="DeepInputGenerators"/> and feeds it to its parser. A stack overflow cannot be caught in
/// .NET, so it must end this child, not the test host: the test then reports the child's exit code
/// and stderr. Exit 0: the parser terminated with a result or its documented error.
/// </summary>
public static class DeepInputChild
{
    public const int Ok = 0;
    public const int Threw = 2;
    public const int Hung = 3;
    public const int Usage = 64;

    /// <summary>1 MB, below the 1.5 MB of the thread-pool threads sessions run on, so a limit that only just fits there fails here.</summary>
    private const int SmallStack = 1024 * 1024;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Each kind: its inputs and what the server does with one.</summary>
    public static readonly IReadOnlyDictionary<string, (Func<IEnumerable<object[]>> Cases, Action<string> Parse)> Kinds =
        new Dictionary<string, (Func<IEnumerable<object[]>>, Action<string>)>
        {
            ["imap"] = (DeepInputGenerators.Imap, input =>
            {
                try
                {
                    ParserFuzzTests.ParseImap(Encoding.UTF8.GetBytes(input));
                }
                catch (ImapParseException)
                {
                    // The documented answer: the session replies BAD and goes on.
                }
            }
            ),
            ["mime"] = (DeepInputGenerators.Mime, input => ParserFuzzTests.MimeTarget(Encoding.UTF8.GetBytes(input))),
            ["addresses"] = (DeepInputGenerators.Addresses, input => _ = AddressParser.Parse(input)),
            ["scram"] = (DeepInputGenerators.Scram, input =>
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
            }
            ),
            // Proves the harness: unbounded recursion must show as a failed child, not a dead test host.
            ["canary"] = (() => [["unbounded-recursion", ""]], _ => Recurse(0)),
        };

    public static IEnumerable<object[]> Names(string kind) => Kinds[kind].Cases().Select(c => new object[] { c[0] });

    public static int Main(string[] args)
    {
        if (args is not ["deep-input", var kind, var name] || !Kinds.TryGetValue(kind, out var target))
        {
            Console.Error.WriteLine("usage: deep-input KIND NAME; kinds: " + string.Join(", ", Kinds.Keys));
            return Usage;
        }
        var input = (string)target.Cases().Single(c => (string)c[0] == name)[1];
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                target.Parse(input);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, SmallStack)
        { IsBackground = true, Name = $"deep {kind} {name}" };
        thread.Start();
        if (!thread.Join(Limit))
        {
            Console.Error.WriteLine($"{kind} {name}: did not terminate within {Limit.TotalSeconds} s");
            return Hung;
        }
        if (failure is not null)
        {
            Console.Error.WriteLine($"{kind} {name}: {failure}");
            return Threw;
        }
        return Ok;
    }

    private static int Recurse(int depth) => depth == int.MaxValue ? depth : Recurse(depth + 1) + 1;
}
