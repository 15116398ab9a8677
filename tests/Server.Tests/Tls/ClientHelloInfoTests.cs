using MailHost.Server.Tls;

namespace MailHost.Server.Tests.Tls;

/// <summary>The ClientHello reader never reads past what it was given and never throws on junk.</summary>
public sealed class ClientHelloInfoTests
{
    [Fact]
    public void Junk_AndEveryTruncation_ReturnNullOrAPartialResult_NeverThrow()
    {
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            if (bytes.Length > 5)
            {
                bytes[0] = 22;
                bytes[5] = 1;
            }
            _ = ClientHelloInfo.TryParse(bytes);
        }
        Assert.Null(ClientHelloInfo.TryParse([0x47, 0x45, 0x54, 0x20, 0x2f]));
    }
}
