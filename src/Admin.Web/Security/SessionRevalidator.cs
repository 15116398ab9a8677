using MailHost.Admin.Web.Backend;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// An open console tab keeps its circuit without HTTP requests, so cookie checks alone would never end
/// it: every few seconds the circuit re-runs <see cref="SessionStamp.IsValidAsync"/> (maximum session
/// length and security stamp) and signs out when it fails — a sign-out or password change elsewhere
/// ends this tab too.
/// </summary>
public sealed class SessionRevalidator(ILoggerFactory loggerFactory, TimeProvider time, IAdminAccounts accounts) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    // One indexed SQLite lookup per open tab; short, so a revoked session does not keep a live view for long.
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        return SessionStamp.IsValidAsync(authenticationState.User, accounts, time.GetUtcNow().UtcDateTime, cancellationToken);
    }
}
