using System.IO.Pipelines;
using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Mime;
using MailHost.Server.Protocol;
using MailHost.Server.Smtp;
using Xunit.Abstractions;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>
/// Bounded, seeded fuzzing of the parsers that read what strangers send: the SMTP command parser
/// (and the DATA terminator scanner), the IMAP command reader with literals plus the IMAP argument
/// parsers, and the MIME parser with everything IMAP FETCH derives from it. Any exception other
/// than the documented parse error (ImapParseException for IMAP; none for SMTP and MIME), or an
/// input running past the per-input timeout, fails. FUZZ_SECONDS runs longer by hand.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    private const int MaxLine = 8 * 1024;
    private const int MaxLiteral = 64 * 1024;

    [Fact]
    public void SmtpCommandParser_MutatedClientCommands_NoUndocumentedException()
    {
        var result = FuzzHarness.Run("smtp", 5321, FuzzSeeds.Smtp, SmtpTarget, _ => false);
        FuzzHarness.AssertPassed("smtp", result, output);
    }

    [Fact]
    public void ImapCommandReaderAndParsers_MutatedRfcCommands_OnlyParseExceptions()
    {
        var result = FuzzHarness.Run("imap", 9051, FuzzSeeds.Imap, ImapTarget, ex => ex is ImapParseException);
        FuzzHarness.AssertPassed("imap", result, output);
    }

    [Fact]
    public void MimeParser_MutatedRfcMessages_NoException()
    {
        var result = FuzzHarness.Run("mime", 2045, FuzzSeeds.Mime, MimeTarget, _ => false);
        FuzzHarness.AssertPassed("mime", result, output);
    }

    public static IEnumerable<object[]> SmtpRegressions() => FuzzHarness.Regressions("smtp");
    public static IEnumerable<object[]> ImapRegressions() => FuzzHarness.Regressions("imap");
    public static IEnumerable<object[]> MimeRegressions() => FuzzHarness.Regressions("mime");

    [Theory]
    [MemberData(nameof(SmtpRegressions))]
    public void SmtpCommandParser_KeptInput_NoException(string file) => SmtpTarget(FuzzHarness.ReadRegression("smtp", file));

    [Theory]
    [MemberData(nameof(ImapRegressions))]
    public void Imap_KeptInput_OnlyParseException(string file)
    {
        try
        {
            ImapTarget(FuzzHarness.ReadRegression("imap", file));
        }
        catch (ImapParseException)
        {
        }
    }

    [Theory]
    [MemberData(nameof(MimeRegressions))]
    public void MimeParser_KeptInput_NoException(string file) => MimeTarget(FuzzHarness.ReadRegression("mime", file));

    /// <summary>What the SMTP session does with a line: split verb/argument, parse MAIL/RCPT paths, check xtext; and the DATA scanner.</summary>
    private static void SmtpTarget(byte[] input)
    {
        foreach (var line in Encoding.UTF8.GetString(input).Split("\r\n"))
        {
            var command = SmtpCommandLine.Parse(line);
            foreach (var keyword in new[] { "FROM", "TO" })
            {
                if (SmtpPathArgument.TryParse(command.Argument, keyword, out var path))
                {
                    foreach (var (_, value) in path!.Parameters)
                    {
                        _ = value is not null && XText.IsValid(value);
                    }
                }
            }
        }
        var receiver = new DataReceiver();
        var sink = new System.Buffers.ArrayBufferWriter<byte>();
        var ended = receiver.Feed(new System.Buffers.ReadOnlySequence<byte>(input), sink, out _);
        // Unstuffing only removes bytes: the output can never be longer than what came in.
        if (receiver.Length > input.Length || (ended && !ContainsCrLfDotCrLf(input)))
        {
            throw new InvalidOperationException("DATA scanner invariant broken");
        }
    }

    private static bool ContainsCrLfDotCrLf(byte[] input) =>
        input.AsSpan().IndexOf("\r\n.\r\n"u8) >= 0 || input.AsSpan().StartsWith(".\r\n"u8);

    /// <summary>Assembles commands as the session does (lines + literals through a pipe), then parses each like the dispatcher.</summary>
    internal static void ImapTarget(byte[] input)
    {
        var pipe = new Pipe();
        pipe.Writer.WriteAsync(input).AsTask().GetAwaiter().GetResult();
        pipe.Writer.Complete();
        var reader = new ImapCommandReader(new LineReader(pipe.Reader, MaxLine), (_, _) => Task.CompletedTask, MaxLiteral, 4 * MaxLine);
        for (var n = 0; n < 1000; n++)
        {
            var (status, command) = reader.ReadAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (status == CommandReadStatus.Closed)
            {
                return;
            }
            if (status == CommandReadStatus.Command)
            {
                try
                {
                    ParseImap(command);
                }
                catch (ImapParseException)
                {
                    // Answered with BAD; the session reads the next command.
                }
            }
        }
    }

    internal static void ParseImap(byte[] command)
    {
        var r = new ImapReader(command);
        r.Tag();
        r.Space();
        var verb = r.Atom().ToUpperInvariant();
        if (verb == "UID")
        {
            r.Space();
            verb = r.Atom().ToUpperInvariant();
        }
        switch (verb)
        {
            case "FETCH":
                r.Space();
                r.SequenceSet();
                r.Space();
                FetchItem.ParseList(r);
                break;
            case "SEARCH":
                r.Space();
                SearchQuery.ParseWithPrefix(r, out _, out _);
                break;
            case "STORE":
                r.Space();
                r.SequenceSet();
                r.Space();
                r.Atom();
                r.Space();
                r.FlagList();
                break;
            case "APPEND":
                r.Space();
                r.AString();
                r.Space();
                if (r.Peek() == '(')
                {
                    r.FlagList();
                    r.Space();
                }
                if (r.Peek() == '"')
                {
                    r.DateTime();
                    r.Space();
                }
                MimeTarget(r.StringBytes());
                break;
            case "LIST":
                r.Space();
                r.ListMailbox();
                r.Space();
                r.ListMailbox();
                break;
            case "LOGIN":
                r.Space();
                r.AString();
                r.Space();
                r.AString();
                break;
            case "STATUS":
                r.Space();
                r.AString();
                r.Space();
                r.FlagList();
                break;
            case "COPY" or "MOVE":
                r.Space();
                r.SequenceSet();
                r.Space();
                r.AString();
                break;
            case "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "SUBSCRIBE" or "UNSUBSCRIBE":
                r.Space();
                r.AString();
                break;
            default:
                r.Rest();
                return;
        }
        r.End();
    }

    /// <summary>Parses a message and derives everything IMAP FETCH and the envelope need from it.</summary>
    internal static void MimeTarget(byte[] input)
    {
        var message = MimeParser.Parse(input);
        Walk(message, input, 0);
        var response = new ImapResponse();
        EnvelopeFormatter.Write(response, message);
        BodyStructureFormatter.Write(response, message, input, extensions: true);
    }

    private static void Walk(MimeEntity entity, byte[] input, int depth)
    {
        if (depth > 200)
        {
            throw new InvalidOperationException("MIME nesting not bounded");
        }
        if (entity.BodyOffset < 0 || entity.BodyOffset + entity.BodyLength > input.Length || entity.HeaderOffset < 0 || entity.HeaderOffset + entity.HeaderLength > input.Length)
        {
            throw new InvalidOperationException("entity offsets outside the message");
        }
        foreach (var h in entity.Headers)
        {
            _ = EncodedWords.Decode(h.Value);
        }
        _ = AddressParser.Parse(entity.Header("From"));
        _ = AddressParser.Parse(entity.Header("To"));
        _ = MimeKit.Utils.DateUtils.TryParse(entity.Header("Date") ?? "", out _);
        _ = HeaderParameters.Parse(entity.Header("Content-Disposition"));
        _ = TransferEncoding.Decode(input.AsSpan(entity.BodyOffset, entity.BodyLength), entity.TransferEncoding);
        foreach (var child in entity.Children)
        {
            Walk(child, input, depth + 1);
        }
        if (entity.Message is { } inner)
        {
            Walk(inner, input, depth + 1);
        }
    }
}
