using System.Text;
using MailHost.Server.Dkim;

namespace MailHost.Server.Tests.Dkim;

public sealed class DkimCanonicalizerTests
{
    // RFC 6376 §3.4.6 example.
    [Fact]
    public void RelaxedHeader_Rfc6376Example()
    {
        Assert.Equal("a:X", DkimCanonicalizer.RelaxedHeader("A: X"));
        Assert.Equal("b:Y Z", DkimCanonicalizer.RelaxedHeader("B : Y\t\r\n\tZ  "));
    }

    [Fact]
    public void RelaxedBody_Rfc6376Example()
    {
        var body = Encoding.ASCII.GetBytes(" C \r\nD \t E\r\n\r\n\r\n");
        Assert.Equal(" C\r\nD E\r\n", Encoding.ASCII.GetString(DkimCanonicalizer.RelaxedBody(body)));
    }

    [Fact]
    public void RelaxedBody_EmptyAndMissingFinalCrlf()
    {
        Assert.Empty(DkimCanonicalizer.RelaxedBody([]));
        Assert.Empty(DkimCanonicalizer.RelaxedBody("\r\n\r\n"u8));
        Assert.Equal("x\r\n", Encoding.ASCII.GetString(DkimCanonicalizer.RelaxedBody("x"u8)));
    }

    [Fact]
    public void ZoneLine_LongRecord_SplitIn255OctetStrings()
    {
        var txt = new string('a', 600);
        var line = DkimKeyRing.ZoneLine("example.test", "s1", txt);
        Assert.StartsWith("s1._domainkey.example.test. IN TXT ( \"", line);
        var parts = line.Split('"').Where((_, i) => i % 2 == 1).ToList();
        Assert.Equal([255, 255, 90], parts.Select(p => p.Length));
    }
}
