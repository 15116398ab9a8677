namespace MailHost.Server.MailAuth.Dkim;

/// <summary>RFC 8601 §2.7.1 DKIM result values.</summary>
public enum DkimResult
{
    None,
    Pass,
    Fail,
    Policy,
    Neutral,
    TempError,
    PermError,
}

/// <summary>The verdict on one DKIM-Signature field: d=, s=, the signing identity, a= and the first bytes of b= (RFC 6008 header.b).</summary>
public sealed record DkimSignatureCheck(DkimResult Result, string Domain, string Selector, string? Identity, string Algorithm, string SignaturePrefix, string Reason, bool Testing = false)
{
    public string Keyword => Result switch
    {
        DkimResult.None => "none",
        DkimResult.Pass => "pass",
        DkimResult.Fail => "fail",
        DkimResult.Policy => "policy",
        DkimResult.Neutral => "neutral",
        DkimResult.TempError => "temperror",
        _ => "permerror",
    };
}
