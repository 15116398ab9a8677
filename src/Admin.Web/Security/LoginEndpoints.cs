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
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, userName),
            new Claim(ClaimTypes.Role, "admin"),
            new Claim(AdminServiceCollectionExtensions.LoginTimeClaim, DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow });
        // Only local paths: an open redirect would let a phishing link bounce through the console.
        var target = returnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal) ? r : "/";
        return Results.LocalRedirect(target);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        await context.SignOutAsync(Scheme);
        return Results.Redirect("/login");
    }
}
