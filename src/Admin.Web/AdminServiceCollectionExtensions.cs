using System.Security.Claims;
using MailHost.Admin.Web.Backend;
using MailHost.Admin.Web.Components;
using MailHost.Admin.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

namespace MailHost.Admin.Web;

/// <summary>Registers and maps the admin console in the host.</summary>
public static class AdminServiceCollectionExtensions
{
    /// <summary>Idle session timeout (sliding): a console left alone this long asks for the password again.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Absolute session length, however active.</summary>
    public static readonly TimeSpan MaxSession = TimeSpan.FromHours(8);

    public const string LoginTimeClaim = SessionStamp.LoginTimeClaim;

    public static IServiceCollection AddMailHostAdmin(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<Logs.LogStatistics>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<CurrentPasswordCheck>();
        services.AddSingleton<AdminAccessFilter>();
        services.AddAuthorization();
        services.AddAuthentication(LoginEndpoints.Scheme).AddCookie(o =>
        {
            o.LoginPath = "/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/login";
            o.ReturnUrlParameter = "returnUrl";
            o.ExpireTimeSpan = IdleTimeout;
            o.SlidingExpiration = true;
            o.Cookie.Name = "MailHost.Admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnValidatePrincipal = RejectOldSessions;
        });
        return services;
    }

    // Every request: the session length and the security stamp (sign-out and password change replace it,
    // so a copied cookie stops working). Sliding renewal re-issues the cookie, so both travel as claims.
    private static async Task RejectOldSessions(CookieValidatePrincipalContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<IAdminAccounts>();
        var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        if (!await SessionStamp.IsValidAsync(context.Principal, accounts, now, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(LoginEndpoints.Scheme);
        }
    }

    public static WebApplication MapMailHostAdmin(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var filter = app.Services.GetRequiredService<AdminAccessFilter>();
        // Before anything else, login included; the headers also go on the filter's refusals.
        app.Use((context, next) => SecurityHeaders.InvokeAsync(context, () => next(context)));
        app.Use((context, next) => filter.InvokeAsync(context, () => next(context)));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapLoginEndpoints();
        app.MapExportEndpoints();
        app.MapPrivateCaEndpoint();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    internal static string ActorName(this ClaimsPrincipal user) => user.Identity?.Name ?? "admin";
}
