namespace MailHost.Server.Delivery;

/// <summary>The policy a TLS-RPT outcome is counted under (RFC 8460 §4.4 "policy").</summary>
public sealed record TlsReportPolicy(string Domain, string Type, IReadOnlyList<string> Strings, IReadOnlyList<string> MxHosts)
{
    public static TlsReportPolicy NoPolicy(string domain) => new(domain, TlsReportResults.PolicyNone, [], []);

    public static TlsReportPolicy Sts(string domain, MtaStsPolicy? policy) =>
        new(domain, TlsReportResults.PolicySts, policy?.Lines ?? [], policy?.Mx ?? []);

    public static TlsReportPolicy Tlsa(string domain, DaneHostPolicy dane, string mxHost) =>
        new(domain, TlsReportResults.PolicyTlsa, [.. dane.Records.Select(r => $"{r.Usage} {r.Selector} {r.MatchingType} {Convert.ToHexString(r.Data.AsSpan())}")], [mxHost]);
}

/// <summary>One outbound session's TLS result for TLS-RPT: which policy, which result, which hosts.</summary>
public sealed record TlsSessionOutcome(
    TlsReportPolicy Policy, string ResultType, string ReceivingMxHost, string ReceivingIp = "", string SendingIp = "", string FailureReason = "")
{
    public bool IsSuccess => ResultType == TlsReportResults.Success;
}
