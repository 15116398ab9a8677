using MailHost.Server.Settings;

namespace MailHost.Server.MailAuth;

/// <summary>
/// Answers `https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt` for our domains with a mode set (RFC 8461 §3.3),
/// from the console's web server. Runs before the console's address filter and sign-in, because every sending
/// MTA on the internet must read the policy; in return a request for a policy host gets nothing but the policy
/// or a 404, never a console page.
/// </summary>
public static class MtaStsPolicyHost
{
    public const string Path = "/.well-known/mta-sts.txt";

    public static IApplicationBuilder UseMtaStsPolicyHost(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.ApplicationServices.GetRequiredService<SettingsSnapshotProvider>();
        return app.Use((context, next) =>
        {
            var host = context.Request.Host.Host.TrimEnd('.');
            if (!host.StartsWith("mta-sts.", StringComparison.OrdinalIgnoreCase))
            {
                return next(context);
            }
            return AnswerAsync(context, settings.Current.MtaStsPolicies.GetValueOrDefault(host));
        });
    }

    private static async Task AnswerAsync(HttpContext context, Shared.Snapshot.PublishedMtaStsPolicy? policy)
    {
        var request = context.Request;
        // RFC 8461 §3.3: fetched with HTTPS GET from this path only; a plaintext copy would be worthless to a sender.
        var isPolicyRequest = request.IsHttps && request.Path.Equals(Path, StringComparison.Ordinal) && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (policy is null || !isPolicyRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var body = System.Text.Encoding.UTF8.GetBytes(policy.Text);
        // RFC 8461 §3.2: media type text/plain.
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
