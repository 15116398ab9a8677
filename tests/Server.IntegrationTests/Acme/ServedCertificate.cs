using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Smtp;

namespace MailHost.Server.IntegrationTests.Acme;

/// <summary>What a TLS port serves, seen by openssl s_client and verified against pebble's root.</summary>
internal static class ServedCertificate
{
    /// <summary>Pebble's root (it changes every start), fetched from its management endpoint, as a file for openssl and curl.</summary>
    public static async Task<string> WriteRootAsync(PebbleServer pebble, string dir)
    {
        var path = Path.Combine(dir, "pebble-root.pem");
        await File.WriteAllTextAsync(path, await pebble.RootPemAsync());
        return path;
    }

    /// <summary>
    /// The leaf served on <paramref name="port"/> for SNI <paramref name="name"/> (extra s_client
    /// options such as -sigalgs appended); asserts openssl verifies the chain against the root and
    /// that the intermediate is sent (-showcerts prints two certificates).
    /// </summary>
    public static async Task<X509Certificate2> FetchAsync(int port, string rootFile, string name, params string[] extra)
    {
        var (code, output) = await ExternalTool.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", name,
            "-showcerts", "-CAfile", rootFile, "-verify_hostname", name, "-verify_return_error", .. extra], "Q\n");
        Assert.True(code == 0 && output.Contains("Verify return code: 0 (ok)", StringComparison.Ordinal), output);
        Assert.True(output.Split("-----BEGIN CERTIFICATE-----").Length - 1 >= 2, output);
        return Leaf(output);
    }

    /// <summary>The leaf served to a client that sends no SNI at all (no verification: it may be the self-signed default).</summary>
    public static async Task<X509Certificate2> FetchWithoutSniAsync(int port)
    {
        var (code, output) = await ExternalTool.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-noservername"], "Q\n");
        Assert.True(code == 0, output);
        return Leaf(output);
    }

    /// <summary>The public key as a DANE 3 1 1 record hashes it.</summary>
    public static string Spki(X509Certificate2 certificate) => Convert.ToHexString(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    private static X509Certificate2 Leaf(string output) =>
        X509Certificate2.CreateFromPem(output.AsSpan(output.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)));
}
