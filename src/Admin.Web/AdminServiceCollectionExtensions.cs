using MailHost.Admin.Web.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace MailHost.Admin.Web;

/// <summary>Registers and maps the admin console in the host.</summary>
public static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostAdmin(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        return services;
    }

    public static WebApplication MapMailHostAdmin(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
