using MailHost.Admin.Web.Backend;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using MailHost.Shared.Validation;

namespace MailHost.Server.AdminConsole;

/// <summary>The console saves through the same settings service as the CLI.</summary>
public sealed class ConsoleSettingsEditor(SettingsService settings) : ISettingsEditor
{
    public Task<long> UpdateAsync(string actor, string action, Action<SettingsData, MailHostDbContext> edit, CancellationToken cancellationToken) =>
        settings.UpdateAsync("console:" + actor, action, edit, cancellationToken);
}
