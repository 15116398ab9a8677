namespace MailHost.Server.Delivery;

/// <summary>Why no (new) MTA-STS policy could be taken, in RFC 8460 §4.3.2 terms.</summary>
public enum MtaStsFailureKind
{
    /// <summary>sts-policy-fetch-error: the HTTPS fetch failed (connection, status, media type, size, time).</summary>
    FetchError,

    /// <summary>sts-policy-invalid: the file was fetched but does not parse (RFC 8461 §3.2).</summary>
    Invalid,

    /// <summary>sts-webpki-invalid: the policy host's certificate did not verify.</summary>
    WebPkiInvalid,
}

/// <summary>A failed MTA-STS policy fetch: what kind (for TLS-RPT) and the text for the logs.</summary>
public sealed record MtaStsFailure(MtaStsFailureKind Kind, string Message)
{
    public string ResultType => Kind switch
    {
        MtaStsFailureKind.Invalid => TlsReportResults.StsPolicyInvalid,
        MtaStsFailureKind.WebPkiInvalid => TlsReportResults.StsWebPkiInvalid,
        _ => TlsReportResults.StsPolicyFetchError,
    };
}
