using System.Security.Cryptography;

namespace MailHost.Server.Acme;

/// <summary>Account and certificate keys as PKCS#8 PEM, the form they are stored in.</summary>
public static class AcmeKeys
{
    public static string NewEcdsaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static string NewRsaPem()
    {
        using var key = RSA.Create(2048);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static ECDsa Ecdsa(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key;
    }

    public static AsymmetricAlgorithm Load(string pem, bool rsa)
    {
        if (!rsa)
        {
            return Ecdsa(pem);
        }
        var key = RSA.Create();
        key.ImportFromPem(pem);
        return key;
    }
}
