using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap;

[Collection("mailstore")]
public sealed class ImapMimeFetchTests(MailServerFixture fixture)
{
    private const string Nested = """
        From: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@example.com>
        To: alice@example.com
        Subject: =?UTF-8?B?TmVzdGVkIHBhcnRz?=
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        preamble
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        Plain caf=C3=A9
        --inner
        Content-Type: text/html; charset=utf-8

        <p>html</p>
        --inner--
        --outer
        Content-Type: message/rfc822

        From: inner@example.com
        Subject: attached

        inner body
        --outer
        Content-Type: application/octet-stream; name="a.bin"
        Content-Disposition: attachment; filename="a.bin"
        Content-Transfer-Encoding: base64

        AAECAw==
        --outer--

        """;

    [Fact]
    public async Task Imaplib_NestedMultipartWithEncodedWords_FetchedSectionBySection()
    {
        var uid = await fixture.PutAsync("alice@example.com", "Archive", Nested);
        var script = PythonClient.Prelude + """
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login('alice@example.com', 'pw')
            m.select('Archive', readonly=True)
            uid = sys.argv[2]
            for item in ['BODYSTRUCTURE', 'BODY.PEEK[1.1]', 'BODY.PEEK[1.2.MIME]', 'BODY.PEEK[2.HEADER]', 'BODY.PEEK[2.TEXT]', 'BODY.PEEK[3]', 'BINARY.PEEK[3]', 'BINARY.SIZE[3]', 'BODY.PEEK[1.1]<0.5>']:
                typ, data = m.uid('FETCH', uid, '(' + item + ')')
                parts = []
                for d in data:
                    if isinstance(d, tuple): parts.append(d[0].decode('latin1') + repr(d[1]))
                    elif d: parts.append(d.decode('latin1'))
                print(item, '=>', ' '.join(parts))
            typ, data = m.uid('SEARCH', 'CHARSET', 'UTF-8', 'FROM', 'Jørn'.encode())
            print('from-search', data[0].decode())
            typ, data = m.uid('SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT', '"Nested parts"', 'BODY', 'café'.encode())
            print('subject-search', data)
            m.logout()
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), uid.ToString(CultureInfo.InvariantCulture));
        // 0 lines: the part's last line ends at the boundary, whose CRLF is not the part's (RFC 2046 §5.1.1); Dovecot counts the same.
        Assert.Contains("(((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 15 0", output);
        Assert.Contains("\"ALTERNATIVE\" (\"BOUNDARY\" \"inner\")", output);
        Assert.Contains("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\"", output);
        Assert.Contains("\"attached\"", output);
        Assert.Contains("(\"ATTACHMENT\" (\"FILENAME\" \"a.bin\"))", output);
        Assert.Contains("\"MIXED\" (\"BOUNDARY\" \"outer\")", output);
        Assert.Contains("BODY.PEEK[1.1] => 1 (UID " + uid + " BODY[1.1] {15}b'Plain caf=C3=A9'", output);
        Assert.Contains("BODY[1.2.MIME] {42}b'Content-Type: text/html; charset=utf-8\\r\\n\\r\\n'", output);
        Assert.Contains("BODY[2.HEADER] {46}b'From: inner@example.com\\r\\nSubject: attached\\r\\n\\r\\n'", output);
        Assert.Contains("BODY[2.TEXT] {10}b'inner body'", output);
        Assert.Contains("BODY[3] {8}b'AAECAw=='", output);
        Assert.Contains("BINARY[3] {4}b'\\x00\\x01\\x02\\x03'", output);
        Assert.Contains("BINARY.SIZE[3] 4", output);
        Assert.Contains("BODY[1.1]<0> {5}b'Plain'", output);
        Assert.Contains("from-search " + uid, output);
        Assert.Contains("subject-search [b'" + uid + "']", output);
    }
}
