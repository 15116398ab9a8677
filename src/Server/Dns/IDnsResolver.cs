namespace MailHost.Server.Dns;

/// <summary>Asks the DNS one question. Throws <see cref="DnsException"/> when no server gives an answer.</summary>
public interface IDnsResolver
{
    Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken);
}
