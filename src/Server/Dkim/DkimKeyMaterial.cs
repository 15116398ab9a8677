using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace MailHost.Server.Dkim;

/// <summary>DKIM key generation, loading and the DNS TXT record (RFC 6376 §3.6.1, RFC 8463 §4 for Ed25519).</summary>
public static class DkimKeyMaterial
{
    /// <summary>A new private key as PKCS#8 PEM.</summary>
    public static string Generate(DkimAlgorithm algorithm)
    {
        switch (algorithm)
        {
            case DkimAlgorithm.Rsa2048:
            case DkimAlgorithm.Rsa4096:
                using (var rsa = RSA.Create(algorithm == DkimAlgorithm.Rsa4096 ? 4096 : 2048))
                {
                    return rsa.ExportPkcs8PrivateKeyPem();
                }
            case DkimAlgorithm.Ed25519:
                {
                    var generator = new Ed25519KeyPairGenerator();
                    generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
                    var pair = generator.GenerateKeyPair();
                    var der = PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded();
                    return PemEncoding.WriteString("PRIVATE KEY", der);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    /// <summary>The private key of a PKCS#8 PEM (RSA or Ed25519), in the form MimeKit's signer takes.</summary>
    public static AsymmetricKeyParameter LoadPrivateKey(string pem)
    {
        var fields = PemEncoding.Find(pem);
        return PrivateKeyFactory.CreateKey(Convert.FromBase64String(pem[fields.Base64Data]));
    }

    public static Ed25519PrivateKeyParameters LoadEd25519(string pem) => (Ed25519PrivateKeyParameters)LoadPrivateKey(pem);

    /// <summary>The p= value: SubjectPublicKeyInfo for RSA (RFC 6376 §3.6.1), the raw 32-byte key for Ed25519 (RFC 8463 §4).</summary>
    public static string PublicKeyBase64(DkimAlgorithm algorithm, string privatePem)
    {
        if (algorithm == DkimAlgorithm.Ed25519)
        {
            return Convert.ToBase64String(LoadEd25519(privatePem).GeneratePublicKey().GetEncoded());
        }
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privatePem);
        return Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The TXT record to publish at selector._domainkey.domain.</summary>
    public static string TxtRecord(DkimAlgorithm algorithm, string privatePem) =>
        $"v=DKIM1; k={(algorithm == DkimAlgorithm.Ed25519 ? "ed25519" : "rsa")}; p={PublicKeyBase64(algorithm, privatePem)}";

    public static MimeKit.Cryptography.DkimSignatureAlgorithm SignatureAlgorithm(DkimAlgorithm algorithm) =>
        algorithm == DkimAlgorithm.Ed25519 ? MimeKit.Cryptography.DkimSignatureAlgorithm.Ed25519Sha256 : MimeKit.Cryptography.DkimSignatureAlgorithm.RsaSha256;
}
