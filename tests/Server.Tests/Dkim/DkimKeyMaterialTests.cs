using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Dkim;
using MailHost.Shared.Entities;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace MailHost.Server.Tests.Dkim;

public sealed class DkimKeyMaterialTests
{
    [Fact]
    public void Ed25519_TxtRecordHolds32ByteRawKey()
    {
        var pem = DkimKeyMaterial.Generate(DkimAlgorithm.Ed25519);
        var txt = DkimKeyMaterial.TxtRecord(DkimAlgorithm.Ed25519, pem);
        Assert.StartsWith("v=DKIM1; k=ed25519; p=", txt);
        // RFC 8463 §4: the p= value is the bare 32-octet public key.
        Assert.Equal(32, Convert.FromBase64String(txt["v=DKIM1; k=ed25519; p=".Length..]).Length);
    }

    [Fact]
    public void Rsa2048_TxtRecordHoldsSubjectPublicKeyInfo()
    {
        var pem = DkimKeyMaterial.Generate(DkimAlgorithm.Rsa2048);
        var p = DkimKeyMaterial.TxtRecord(DkimAlgorithm.Rsa2048, pem)["v=DKIM1; k=rsa; p=".Length..];
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(p), out _);
        Assert.Equal(2048, rsa.KeySize);
    }

    [Fact]
    public void Sign_Ed25519_SignatureOverSha256OfCanonicalData()
    {
        var pem = DkimKeyMaterial.Generate(DkimAlgorithm.Ed25519);
        var message = "From: a@example.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nbody\r\n"u8.ToArray();
        var header = DkimSigner.Sign(message, "example.test", "s1", DkimAlgorithm.Ed25519, pem, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        Assert.Contains("a=ed25519-sha256; c=relaxed/relaxed; d=example.test; s=s1;", header);
        Assert.Contains("t=1700000000; h=from:subject:to:from;", header);
        // Recompute what a verifier hashes (RFC 6376 §3.7) and check the signature with the public key.
        var unfolded = header.Replace("\r\n", "", StringComparison.Ordinal);
        var b = unfolded[(unfolded.LastIndexOf("b=", StringComparison.Ordinal) + 2)..].Replace(" ", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal);
        var withoutB = header[..(header.LastIndexOf("b=", StringComparison.Ordinal) + 2)];
        var data = "from:a@example.test\r\nsubject:hi\r\nto:b@example.test\r\n" + DkimCanonicalizer.RelaxedHeader(withoutB);
        var verifier = new Ed25519Signer();
        var pub = new Ed25519PublicKeyParameters(Convert.FromBase64String(DkimKeyMaterial.PublicKeyBase64(DkimAlgorithm.Ed25519, pem)), 0);
        verifier.Init(false, pub);
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(data));
        verifier.BlockUpdate(hash, 0, hash.Length);
        Assert.True(verifier.VerifySignature(Convert.FromBase64String(b)));
    }
}
