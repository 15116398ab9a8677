namespace MailHost.Shared.Entities;

/// <summary>A DKIM signing key for one domain and selector.</summary>
public class DkimKey
{
    public int Id { get; set; }
    public string Domain { get; set; } = "";
    public string Selector { get; set; } = "";
    public DkimAlgorithm Algorithm { get; set; }

    /// <summary>PKCS#8 PEM. Shown only by explicit export, never logged.</summary>
    public string PrivateKeyPem { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
    public bool Active { get; set; }
}
