namespace MailHost.Shared.Entities;

/// <summary>A console administrator.</summary>
public class AdminUser
{
    public int Id { get; set; }
    public string UserName { get; set; } = "";
    public string PasswordHash { get; set; } = "";
}
