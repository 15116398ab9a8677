using System.Globalization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// An open console tab keeps its circuit without HTTP requests, so the cookie's lifetime alone would
/// never end it: every minute the circuit checks the login time and signs out after the maximum session.
/// </summary>
public sealed class SessionRevalidator(ILoggerFactory loggerFactory, TimeProvider time) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        var claim = authenticationState.User.FindFirst(AdminServiceCollectionExtensions.LoginTimeClaim)?.Value;
        var valid = claim is not null && long.TryParse(claim, CultureInfo.InvariantCulture, out var ticks) &&
            time.GetUtcNow().UtcDateTime - new DateTime(ticks, DateTimeKind.Utc) <= AdminServiceCollectionExtensions.MaxSession;
        return Task.FromResult(valid);
    }
}
