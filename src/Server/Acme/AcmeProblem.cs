using System.Text.Json.Nodes;

namespace MailHost.Server.Acme;

/// <summary>An RFC 8555 §6.7 problem document (RFC 7807), with the ACME error type as a short name.</summary>
public sealed record AcmeProblem(string Type, string Detail, int Status, IReadOnlyList<AcmeProblem> Subproblems)
{
    private const string Prefix = "urn:ietf:params:acme:error:";

    /// <summary>"badNonce", "rateLimited", "unauthorized", …; the full type when it is not an ACME one.</summary>
    public string Kind => Type.StartsWith(Prefix, StringComparison.Ordinal) ? Type[Prefix.Length..] : Type;

    public static AcmeProblem Parse(JsonNode? node, int status)
    {
        var subproblems = node?["subproblems"] is JsonArray array
            ? array.Select(s => Parse(s, status)).ToList()
            : [];
        return new AcmeProblem(
            node?["type"]?.GetValue<string>() ?? "about:blank",
            node?["detail"]?.GetValue<string>() ?? "",
            node?["status"]?.GetValue<int>() ?? status,
            subproblems);
    }

    /// <summary>One line for the console and the CLI: the CA's own words, with the subproblems.</summary>
    public override string ToString()
    {
        var text = $"{Kind}: {Detail}";
        return Subproblems.Count == 0 ? text : text + " (" + string.Join("; ", Subproblems.Select(s => s.ToString())) + ")";
    }
}

/// <summary>The CA answered with a problem document.</summary>
public sealed class AcmeProblemException(AcmeProblem problem)
    : Exception(problem?.ToString())
{
    public AcmeProblem Problem { get; } = problem ?? throw new ArgumentNullException(nameof(problem));
}

/// <summary>The ACME exchange failed without a problem document (a challenge invalid, an order that never became valid, a timeout).</summary>
public sealed class AcmeException(string message) : Exception(message);
