namespace MailHost.Shared.Entities;

/// <summary>A domain whose mail is delivered to local mailboxes.</summary>
public class Domain
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}
