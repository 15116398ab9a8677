using System.Text.Json.Nodes;

namespace MailHost.Server.Acme;

/// <summary>The directory object (RFC 8555 §7.1.1): the URLs the client needs and the terms of service.</summary>
public sealed record AcmeDirectory(Uri NewNonce, Uri NewAccount, Uri NewOrder, string? TermsOfService, Uri? RenewalInfo)
{
    public static AcmeDirectory Parse(JsonNode node) => new(
        Url(node, "newNonce"), Url(node, "newAccount"), Url(node, "newOrder"),
        node["meta"]?["termsOfService"]?.GetValue<string>(),
        node["renewalInfo"]?.GetValue<string>() is { } ari ? new Uri(ari) : null);

    private static Uri Url(JsonNode node, string name) =>
        new(node[name]?.GetValue<string>() ?? throw new AcmeException($"the ACME directory has no {name}"));
}

/// <summary>An order (RFC 8555 §7.1.3) at its URL.</summary>
public sealed record AcmeOrder(Uri Url, string Status, IReadOnlyList<Uri> Authorizations, Uri Finalize, Uri? Certificate, AcmeProblem? Error)
{
    public static AcmeOrder Parse(Uri url, JsonNode node) => new(
        url,
        node["status"]?.GetValue<string>() ?? "",
        (node["authorizations"] as JsonArray ?? []).Select(a => new Uri(a!.GetValue<string>())).ToList(),
        new Uri(node["finalize"]?.GetValue<string>() ?? throw new AcmeException("the order has no finalize URL")),
        node["certificate"]?.GetValue<string>() is { } c ? new Uri(c) : null,
        node["error"] is { } e ? AcmeProblem.Parse(e, 0) : null);
}

/// <summary>One challenge of an authorization (RFC 8555 §8).</summary>
public sealed record AcmeChallenge(string Type, Uri Url, string Token, string Status, AcmeProblem? Error)
{
    public static AcmeChallenge Parse(JsonNode node) => new(
        node["type"]?.GetValue<string>() ?? "",
        new Uri(node["url"]?.GetValue<string>() ?? throw new AcmeException("a challenge has no URL")),
        node["token"]?.GetValue<string>() ?? "",
        node["status"]?.GetValue<string>() ?? "",
        node["error"] is { } e ? AcmeProblem.Parse(e, 0) : null);
}

/// <summary>An authorization (RFC 8555 §7.1.4) for one DNS identifier.</summary>
public sealed record AcmeAuthorization(Uri Url, string Identifier, string Status, IReadOnlyList<AcmeChallenge> Challenges)
{
    public static AcmeAuthorization Parse(Uri url, JsonNode node) => new(
        url,
        node["identifier"]?["value"]?.GetValue<string>() ?? "",
        node["status"]?.GetValue<string>() ?? "",
        (node["challenges"] as JsonArray ?? []).Select(c => AcmeChallenge.Parse(c!)).ToList());
}

/// <summary>Challenge type names as the CA spells them.</summary>
public static class AcmeChallengeTypes
{
    public const string Http01 = "http-01";
    public const string TlsAlpn01 = "tls-alpn-01";

    public static bool IsKnown(string type) => type is Http01 or TlsAlpn01;
}
