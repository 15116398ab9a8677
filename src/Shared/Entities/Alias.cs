namespace MailHost.Shared.Entities;

/// <summary>An address that forwards to one or more others.</summary>
public class Alias
{
    public int Id { get; set; }
    public string Address { get; set; } = "";

    /// <summary>Target addresses, comma-separated.</summary>
    public string Targets { get; set; } = "";
}
