using System.Globalization;
using System.Security.Claims;
using MailHost.Admin.Web.Backend;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// The one check every console session passes, on each HTTP request (cookie validation) and on each
/// circuit revalidation: the absolute session length has not run out, and the cookie's security stamp
/// is still the admin's current one in the database (sign-out and password change replace it).
/// </summary>
public static class SessionStamp
{
    public const string LoginTimeClaim = "mailhost:login_utc";
    public const string StampClaim = "mailhost:stamp";

    public static async Task<bool> IsValidAsync(ClaimsPrincipal? user, IAdminAccounts accounts, DateTime utcNow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var name = user?.Identity?.Name;
        var login = user?.FindFirst(LoginTimeClaim)?.Value;
        var stamp = user?.FindFirst(StampClaim)?.Value;
        if (name is null || stamp is not { Length: > 0 } || login is null ||
            !long.TryParse(login, CultureInfo.InvariantCulture, out var ticks) ||
            ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks ||
            utcNow - new DateTime(ticks, DateTimeKind.Utc) > AdminServiceCollectionExtensions.MaxSession)
        {
            return false;
        }
        var current = await accounts.GetSecurityStampAsync(name, createIfEmpty: false, cancellationToken);
        // Fixed-time comparison: the stamp is a bearer secret like the cookie itself.
        return current is { Length: > 0 } &&
            System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(current), System.Text.Encoding.ASCII.GetBytes(stamp));
    }

    /// <summary>The claims of a new session for <paramref name="userName"/>.</summary>
    public static Claim[] NewSessionClaims(string userName, string stamp, DateTime utcNow) =>
    [
        new Claim(ClaimTypes.Name, userName),
        new Claim(ClaimTypes.Role, "admin"),
        new Claim(LoginTimeClaim, utcNow.Ticks.ToString(CultureInfo.InvariantCulture)),
        new Claim(StampClaim, stamp),
    ];
}
