using MailHost.Admin.Web.Backend;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailHost.Admin.Web.Security;

/// <summary>The private CA certificate for admins to install on their clients; signed-in admins only like every console endpoint.</summary>
public static class PrivateCaEndpoint
{
    public const string Path = "/tls/mailhost-ca.crt";

    public static IEndpointRouteBuilder MapPrivateCaEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (ICertificateAdmin certificates) => certificates.PrivateCaPem() is { } pem
                ? Results.File(System.Text.Encoding.ASCII.GetBytes(pem), "application/x-pem-file", "mailhost-ca.crt")
                : Results.NotFound())
            .RequireAuthorization();
        return app;
    }
}
