namespace MailHost.Shared.Entities;

/// <summary>A server certificate. The key material lives in a file under the data folder, never in the database.</summary>
public class Certificate
{
    public int Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>Path of a PFX file relative to the data folder.</summary>
    public string FilePath { get; set; } = "";

    /// <summary>SNI host names, comma-separated; "*.example.com" allowed.</summary>
    public string HostNames { get; set; } = "";
    public string Thumbprint { get; set; } = "";
    public string KeyAlgorithm { get; set; } = "";
    public DateTime NotAfterUtc { get; set; }
    public bool IsDefault { get; set; }
}
