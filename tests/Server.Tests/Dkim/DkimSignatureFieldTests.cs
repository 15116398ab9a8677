using System.Text;
using MailHost.Server.Dkim;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;
using MimeKit;
using MimeKit.Cryptography;

namespace MailHost.Server.Tests.Dkim;

/// <summary>Our signature field in front of the unchanged bytes, checked by MimeKit's own verifier with the TXT record we publish.</summary>
public sealed class DkimSignatureFieldTests
{
    private const string Message =
        "From: Alice <alice@example.test>\r\nTo: bob@example.org\r\nSubject: hi\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n" +
        "Message-ID: <m1@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
        "Line one.\r\n  spaced    words  \r\n.dot line\r\n\r\n\r\n";

    private static DkimKeySpec Key(DkimAlgorithm algorithm) =>
        new(1, "example.test", "s1", algorithm, DkimKeyMaterial.Generate(algorithm), true);

    private static (byte[] Signed, string Field) Sign(DkimKeySpec key, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var parsed = MimeMessage.Load(new MemoryStream(bytes));
        var field = DkimSignatureField.Create(parsed, key, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        return ([.. field, .. bytes], Encoding.ASCII.GetString(field));
    }

    private static bool MimeKitVerifies(byte[] signed, DkimKeySpec key)
    {
        var message = MimeMessage.Load(new MemoryStream(signed));
        return new DkimVerifier(new DkimOwnKeyLocator(key)).Verify(message, message.Headers[0]);
    }

    [Theory]
    [InlineData(DkimAlgorithm.Rsa2048, "rsa-sha256")]
    [InlineData(DkimAlgorithm.Ed25519, "ed25519-sha256")]
    public void Create_RelaxedOverSignedFrom_MimeKitVerifierAccepts_AndRejectsAChange(DkimAlgorithm algorithm, string tag)
    {
        var key = Key(algorithm);
        var (signed, field) = Sign(key, Message);
        var unfolded = field.Replace("\r\n", "", StringComparison.Ordinal);

        Assert.StartsWith("DKIM-Signature: v=1; a=" + tag + "; d=example.test; s=s1;", field);
        Assert.EndsWith("\r\n", field);
        Assert.DoesNotContain("\n", field.Replace("\r\n", "", StringComparison.Ordinal));
        Assert.Contains("c=relaxed/relaxed", unfolded);
        Assert.Contains("t=1700000000", unfolded);
        Assert.Contains("h=from:subject:date:to:message-id:mime-version:content-type:from;", unfolded);
        // Nothing but the new field: the rest is the message byte for byte.
        Assert.Equal(Encoding.UTF8.GetBytes(Message), signed[field.Length..]);

        Assert.True(MimeKitVerifies(signed, key));
        Assert.False(MimeKitVerifies(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signed).Replace("Line one.", "Line 1.", StringComparison.Ordinal)), key));
        // Over-signing: a From added on top breaks it.
        Assert.False(MimeKitVerifies(InsertAfterSignature(signed, "From: mallory@evil.test\r\n"), key));
    }

    [Fact]
    public void Create_RepeatedField_SignsEveryInstance()
    {
        var key = Key(DkimAlgorithm.Ed25519);
        var (signed, field) = Sign(key, "From: a@example.test\r\nTo: b@example.org\r\nTo: c@example.org\r\n\r\nbody\r\n");
        Assert.Contains("h=from:to:to:from;", field.Replace("\r\n", "", StringComparison.Ordinal));
        Assert.True(MimeKitVerifies(signed, key));
    }

    private static byte[] InsertAfterSignature(byte[] signed, string header)
    {
        var text = Encoding.UTF8.GetString(signed);
        var end = text.IndexOf("\r\nFrom:", StringComparison.Ordinal) + 2;
        return Encoding.UTF8.GetBytes(text[..end] + header + text[end..]);
    }
}
