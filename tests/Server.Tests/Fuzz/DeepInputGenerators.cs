using System.Text;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>
/// Deep and wide inputs, not small mutations: 100,000-deep nesting, 100,000-wide lists, megabyte
/// tokens and absurd literal counts, for every parser that recurses or loops over a list.
/// </summary>
public static class DeepInputGenerators
{
    public const int Deep = 100_000;
    public const int Wide = 100_000;

    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    public static IEnumerable<object[]> Imap()
    {
        yield return Case("search-parens", "a SEARCH " + Repeat("(", Deep) + "ALL" + Repeat(")", Deep));
        yield return Case("search-not", "a SEARCH " + Repeat("NOT ", Deep) + "ALL");
        yield return Case("search-or", "a SEARCH " + Repeat("OR ALL ", Deep) + "ALL");
        yield return Case("search-or-left", "a SEARCH " + Repeat("OR ", Deep) + Repeat("ALL ", Deep) + "ALL");
        yield return Case("search-wide", "a SEARCH " + Repeat("ALL ", Wide) + "ALL");
        yield return Case("search-long-token", "a SEARCH SUBJECT " + new string('x', 1_000_000));
        yield return Case("search-huge-literal", "a SEARCH SUBJECT {4294967295}");
        yield return Case("search-uid-set", "a SEARCH UID " + Repeat("1,", Wide) + "1");
        yield return Case("fetch-items-wide", "a FETCH 1 (" + Repeat("BODY.PEEK[] ", Wide) + "UID)");
        yield return Case("fetch-parens", "a FETCH 1 " + Repeat("(", Deep) + "UID" + Repeat(")", Deep));
        yield return Case("fetch-section-path", "a FETCH 1 BODY[" + Repeat("1.", Deep) + "1]");
        yield return Case("fetch-header-fields-wide", "a FETCH 1 BODY[HEADER.FIELDS (" + Repeat("X-A ", Wide) + "X-B)]");
        yield return Case("fetch-partial-huge", "a FETCH 1 BODY[]<99999999999999999999.99999999999999999999>");
        yield return Case("fetch-set-wide", "a FETCH " + Repeat("1:2,", Wide) + "3 UID");
        yield return Case("store-flags-wide", "a STORE 1 +FLAGS (" + Repeat("\\Seen ", Wide) + ")");
        yield return Case("uid-fetch-parens", "a UID FETCH 1:* " + Repeat("(", Deep));
    }

    public static IEnumerable<object[]> Mime()
    {
        var nested = new StringBuilder();
        for (var i = 0; i < Deep; i++)
        {
            nested.Append("Content-Type: multipart/mixed; boundary=b").Append(i).Append("\r\n\r\n--b").Append(i).Append("\r\n");
        }
        yield return Case("multipart-deep", nested.Append("\r\nend\r\n").ToString());
        yield return Case("rfc822-deep", Repeat("Content-Type: message/rfc822\r\n\r\n", Deep) + "Subject: x\r\n\r\nend\r\n");
        var wide = new StringBuilder("Content-Type: multipart/mixed; boundary=w\r\n\r\n");
        for (var i = 0; i < Wide; i++)
        {
            wide.Append("--w\r\n\r\np\r\n");
        }
        yield return Case("multipart-wide", wide.Append("--w--\r\n").ToString());
        yield return Case("headers-wide", Repeat("X-A: b\r\n", Wide) + "\r\nbody\r\n");
        yield return Case("parameters-wide", "Content-Type: text/plain" + Repeat("; a=b", Wide) + "\r\n\r\nx\r\n");
        yield return Case("address-comments-deep", "From: " + Repeat("(", Deep) + "a@b.example" + Repeat(")", Deep) + "\r\n\r\nx\r\n");
    }

    public static IEnumerable<object[]> Addresses()
    {
        yield return Case("comment-deep", Repeat("(", Deep) + "a@b.example" + Repeat(")", Deep));
        yield return Case("comment-unclosed", "a@b.example " + Repeat("(", Deep));
        yield return Case("group-deep", Repeat("g:", Deep) + "a@b.example" + Repeat(";", Deep));
        yield return Case("list-wide", Repeat("a@b.example, ", Wide) + "c@d.example");
        yield return Case("angle-deep", Repeat("<", Deep) + "a@b.example" + Repeat(">", Deep));
        yield return Case("quoted-long", "\"" + new string('q', 1_000_000) + "\" <a@b.example>");
        yield return Case("quoted-escapes", "\"" + Repeat("\\\\", Wide) + "\" <a@b.example>");
        yield return Case("encoded-words-wide", Repeat("=?utf-8?B?YQ==?= ", Wide) + "<a@b.example>");
    }

    public static IEnumerable<object[]> Scram()
    {
        yield return Case("long-user", "n,,n=" + new string('u', 1_000_000) + ",r=abc");
        yield return Case("long-nonce", "n,,n=user,r=" + new string('r', 1_000_000));
        yield return Case("attributes-wide", "n,,n=user,r=abc" + Repeat(",x=y", Wide));
        yield return Case("escapes-wide", "n,,n=" + Repeat("=2C", Wide) + ",r=abc");
        yield return Case("commas", Repeat(",", Wide));
    }

    private static object[] Case(string name, string input) => [name, input];
}
