using System.Security.Cryptography;
using MailHost.Server.Dkim;
using MailHost.Shared.Entities;

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
}
