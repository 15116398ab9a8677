namespace MailHost.Shared.Entities;

/// <summary>An address banned after repeated authentication failures.</summary>
public class IpBan
{
    public int Id { get; set; }
    public string Address { get; set; } = "";
    public DateTime BannedUtc { get; set; }
    public DateTime UntilUtc { get; set; }
    public string Reason { get; set; } = "";
}
