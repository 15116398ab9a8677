namespace MailHost.Server.MailAuth.Spf;

/// <summary>RFC 7208 §2.6: the seven results of check_host().</summary>
public enum SpfResult
{
    None,
    Neutral,
    Pass,
    Fail,
    SoftFail,
    TempError,
    PermError,
}

/// <summary>
/// The outcome of one SPF check: the result, the explanation (only for fail, RFC 7208 §6.2),
/// and a short reason for logs and Received-SPF (which mechanism matched, or what went wrong).
/// </summary>
public sealed record SpfOutcome(SpfResult Result, string Reason, string? Explanation = null)
{
    public string Keyword => SpfKeywords.Of(Result);
}

public static class SpfKeywords
{
    /// <summary>The lower-case result names used in Received-SPF and Authentication-Results (RFC 7208 §9.1, RFC 8601 §2.7.2).</summary>
    public static string Of(SpfResult result) => result switch
    {
        SpfResult.None => "none",
        SpfResult.Neutral => "neutral",
        SpfResult.Pass => "pass",
        SpfResult.Fail => "fail",
        SpfResult.SoftFail => "softfail",
        SpfResult.TempError => "temperror",
        _ => "permerror",
    };
}

/// <summary>A condition that ends the evaluation with permerror or temperror (RFC 7208 §2.6.6, §2.6.7).</summary>
internal sealed class SpfAbortException(SpfResult result, string reason) : Exception(reason)
{
    public SpfResult Result { get; } = result;
}
