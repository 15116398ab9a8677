using MailHost.Server.Dkim;
using MailHost.Shared.Entities;

namespace MailHost.Server.Tests.Dkim;

public sealed class DkimRecordCheckTests
{
    [Theory]
    [InlineData("v=DKIM1; k=rsa; p=MIIBIjAN", "MIIBIjAN")]
    [InlineData("v=DKIM1;k=rsa;p = MIIB IjAN\t;t=s", "MIIBIjAN")] // RFC 6376 §3.2: FWS around and inside the value
    [InlineData("v=DKIM1; p=", "")] // revoked key
    [InlineData("v=spf1 -all", null)]
    public void PublicKey_TagList_PValueWithoutWhitespace(string record, string? expected) =>
        Assert.Equal(expected, DkimRecordCheck.PublicKey(record));

    [Fact]
    public void TxtRecord_GeneratedKey_PValueIsThePublicKey()
    {
        var key = DkimKeyRing.Create("Example.TEST.", "s1", DkimAlgorithm.Ed25519);
        var txt = DkimKeyMaterial.TxtRecord(key.Algorithm, key.PrivateKeyPem);

        Assert.Equal("example.test", key.Domain);
        Assert.Equal(DkimKeyMaterial.PublicKeyBase64(key.Algorithm, key.PrivateKeyPem), DkimRecordCheck.PublicKey(txt));
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
