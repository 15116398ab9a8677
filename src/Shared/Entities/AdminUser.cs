namespace MailHost.Shared.Entities;

/// <summary>A console administrator.</summary>
public class AdminUser
{
    public int Id { get; set; }
    public string UserName { get; set; } = "";
    public string PasswordHash { get; set; } = "";

    /// <summary>
    /// Random value copied into every console cookie at sign-in and compared on each request and circuit
    /// check; sign-out and a password change replace it, which ends every session issued before.
    /// Empty until the first sign-in (a migrated row).
    /// </summary>
    public string SecurityStamp { get; set; } = "";
}
