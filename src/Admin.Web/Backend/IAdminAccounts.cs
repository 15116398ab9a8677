namespace MailHost.Admin.Web.Backend;

/// <summary>Admin users and password hashing; the hashes are PBKDF2 with 600,000 iterations, computed by the server.</summary>
public interface IAdminAccounts
{
    /// <summary>True when the user exists and the password matches (costs the same time when the user does not exist).</summary>
    Task<bool> VerifyAsync(string userName, string password, CancellationToken cancellationToken);

    Task ChangePasswordAsync(string userName, string newPassword, CancellationToken cancellationToken);

    /// <summary>A hash for a mail account password (accounts page).</summary>
    string HashPassword(string password);
}
