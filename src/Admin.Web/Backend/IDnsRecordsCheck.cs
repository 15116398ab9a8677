namespace MailHost.Admin.Web.Backend;

/// <summary>One record to publish and what the live DNS says: Ok, or what is missing or wrong (Check).</summary>
public sealed record DnsRecordStatus(string Kind, string Name, string Type, string Value, bool Ok, string Check);

/// <summary>The console's "DNS records" page: the same backend as `mailhost dns show DOMAIN`.</summary>
public interface IDnsRecordsCheck
{
    /// <summary>MX, SPF, DKIM (every active selector), DMARC, MTA-STS (TXT and policy host), TLS-RPT and the TLSA record of our certificate; a DKIM row that is not Ok when the domain has no active key.</summary>
    Task<IReadOnlyList<DnsRecordStatus>> CheckAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Forward-confirmed reverse DNS of the server's host name.</summary>
    Task<DnsRecordStatus> CheckPtrAsync(CancellationToken cancellationToken);
}
