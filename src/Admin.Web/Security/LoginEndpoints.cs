using System.Security.Claims;
using MailHost.Admin.Web.Backend;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// Form posts for login and logout. Cookies can only be set on an HTTP response, not over the
/// Blazor circuit, so these are plain endpoints; form binding makes them require an antiforgery token.
/// </summary>
public static class LoginEndpoints
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/login", (Delegate)LoginAsync).AllowAnonymous();
        app.MapPost("/account/logout", (Delegate)LogoutAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context,
        [FromForm(Name = "username")] string? userName,
        [FromForm(Name = "password")] string? password,
        [FromForm(Name = "returnUrl")] string? returnUrl,
        IAdminAccounts accounts,
        LoginThrottle throttle)
    {
        userName = (userName ?? "").Trim();
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.LockedUntil(address, userName) is { } until)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling((until - DateTimeOffset.UtcNow).TotalMinutes));
            return Results.Redirect($"/login?error=locked&minutes={minutes}");
        }
        if (userName.Length == 0 || string.IsNullOrEmpty(password) || !await accounts.VerifyAsync(userName, password, context.RequestAborted))
        {
            throttle.RecordFailure(address, userName);
            return Results.Redirect("/login?error=invalid");
        }
        throttle.RecordSuccess(address, userName);
        var stamp = await accounts.GetSecurityStampAsync(userName, createIfEmpty: true, context.RequestAborted) ?? "";
        var identity = new ClaimsIdentity(SessionStamp.NewSessionClaims(userName, stamp, DateTime.UtcNow), Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow });
        // Only local paths: an open redirect would let a phishing link bounce through the console.
        return Results.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    /// <summary>
    /// Only local paths: an open redirect would let a phishing link bounce through the console. Control
    /// characters (a TAB: browsers drop it, so "/\t/evil" becomes "//evil") and anything LocalRedirect
    /// would refuse give "/" instead of an exception (HTTP 500).
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 2048 } r && r[0] == '/' &&
        (r.Length == 1 || (r[1] != '/' && r[1] != '\\')) && !r.Any(char.IsControl) ? r : "/";

    private static async Task<IResult> LogoutAsync(HttpContext context, IAdminAccounts accounts)
    {
        // A new stamp ends this session everywhere, including copies of the cookie (sign-out on a shared
        // computer, a cookie stolen earlier) and the other tabs' circuits, not only this browser's cookie.
        if (context.User.Identity?.Name is { Length: > 0 } name)
        {
            await accounts.RevokeSessionsAsync(name, context.RequestAborted);
        }
        await context.SignOutAsync(Scheme);
        return Results.Redirect("/login");
    }
}
