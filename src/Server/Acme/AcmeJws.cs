using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MailHost.Server.Acme;

/// <summary>
/// RFC 8555 §6.2 request signing with an ES256 (P-256) account key: a flattened JWS whose protected
/// header carries either the public key (`jwk`, only for newAccount) or the account URL (`kid`).
/// </summary>
public sealed class AcmeJws(ECDsa accountKey)
{
    /// <summary>The account key's public JWK, members in lexicographic order (RFC 7638 needs that for the thumbprint).</summary>
    public JsonObject Jwk()
    {
        var p = accountKey.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["crv"] = "P-256",
            ["kty"] = "EC",
            ["x"] = Base64Url(p.Q.X!),
            ["y"] = Base64Url(p.Q.Y!),
        };
    }

    /// <summary>RFC 7638 thumbprint: the key authorization of every challenge ends with it.</summary>
    public string Thumbprint() =>
        Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(Jwk().ToJsonString())));

    public string KeyAuthorization(string token) => token + "." + Thumbprint();

    /// <summary>Signs <paramref name="payload"/> (null: POST-as-GET, an empty payload).</summary>
    public byte[] Sign(string url, string nonce, string? kid, JsonNode? payload)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["nonce"] = nonce, ["url"] = url };
        if (kid is null)
        {
            header["jwk"] = Jwk();
        }
        else
        {
            header["kid"] = kid;
        }
        var protectedPart = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var payloadPart = payload is null ? "" : Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        // JWS ES256 wants r||s (IEEE P1363), not the DER that .NET produces by default.
        var signature = accountKey.SignData(Encoding.ASCII.GetBytes(protectedPart + "." + payloadPart), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["protected"] = protectedPart,
            ["payload"] = payloadPart,
            ["signature"] = Base64Url(signature),
        });
    }

    public static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
