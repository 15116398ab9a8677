using MailHost.Admin.Web.Backend;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// The change-password page's check of the current password. It goes through the login throttle so a
/// stolen or unattended session cannot be used to guess the admin password without limit (each guess
/// is otherwise a free PBKDF2 oracle); failures count for the user name, as failed sign-ins do.
/// </summary>
public sealed class CurrentPasswordCheck(IAdminAccounts accounts, LoginThrottle throttle, TimeProvider time)
{
    /// <summary>Null when the password is right; otherwise the message to show.</summary>
    public async Task<string?> VerifyAsync(string userName, string password, CancellationToken cancellationToken)
    {
        // The circuit has no reliable client address; a per-session-user key stands in for it.
        var address = "password-change:" + userName;
        if (throttle.LockedUntil(address, userName) is { } until)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling((until - time.GetUtcNow()).TotalMinutes));
            return $"Too many wrong passwords. Try again in {minutes} minutes.";
        }
        if (password.Length == 0 || !await accounts.VerifyAsync(userName, password, cancellationToken))
        {
            throttle.RecordFailure(address, userName);
            return "The current password is wrong.";
        }
        throttle.RecordSuccess(address, userName);
        return null;
    }
}
