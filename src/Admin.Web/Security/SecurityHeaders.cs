using Microsoft.AspNetCore.Http;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// Response headers on every console answer (pages, endpoints, static files, refusals). The policy
/// allows scripts only from the console itself: blazor.web.js (.NET 10) and MudBlazor's script are
/// files, and Blazor Server needs neither eval nor inline script; its WebSocket is same-origin
/// (connect-src 'self'). Inline styles stay allowed because MudBlazor components set style attributes and its theme provider writes a <style> element.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        return next();
    }
}
