using MailHost.Server.Imap;

namespace MailHost.Server.Tests.Imap;

public sealed class ModifiedUtf7Tests
{
    // RFC 3501 §5.1.3 example, plus the escaped ampersand.
    [Theory]
    [InlineData("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [InlineData("Tom & Jerry", "Tom &- Jerry")]
    [InlineData("Entwürfe", "Entw&APw-rfe")]
    [InlineData("INBOX", "INBOX")]
    public void EncodeDecode_Rfc3501Examples_RoundTrip(string text, string encoded)
    {
        Assert.Equal(encoded, ModifiedUtf7.Encode(text));
        Assert.Equal(text, ModifiedUtf7.Decode(encoded));
    }

    [Fact]
    public void Decode_Malformed_KeptAsIs()
    {
        Assert.Equal("a&!!-b", ModifiedUtf7.Decode("a&!!-b"));
    }
}
