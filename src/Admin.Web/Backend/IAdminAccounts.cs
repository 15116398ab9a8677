namespace MailHost.Admin.Web.Backend;

/// <summary>Admin users and password hashing; the hashes are PBKDF2 with 600,000 iterations, computed by the server.</summary>
public interface IAdminAccounts
{
    /// <summary>True when the user exists and the password matches (costs the same time when the user does not exist).</summary>
    Task<bool> VerifyAsync(string userName, string password, CancellationToken cancellationToken);

    /// <summary>Sets the new password and replaces the security stamp, which ends every console session of the user.</summary>
    Task ChangePasswordAsync(string userName, string newPassword, CancellationToken cancellationToken);

    /// <summary>
    /// The user's security stamp (copied into the cookie at sign-in, compared on every request and circuit check);
    /// with <paramref name="createIfEmpty"/> a migrated row without one gets one. Null when the user does not exist.
    /// </summary>
    Task<string?> GetSecurityStampAsync(string userName, bool createIfEmpty, CancellationToken cancellationToken);

    /// <summary>Replaces the security stamp: every console session issued before for this user stops working.</summary>
    Task RevokeSessionsAsync(string userName, CancellationToken cancellationToken);

    /// <summary>A hash for a mail account password (accounts page).</summary>
    string HashPassword(string password);
}
