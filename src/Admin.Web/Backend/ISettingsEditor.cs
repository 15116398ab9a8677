using MailHost.Shared.Data;
using MailHost.Shared.Validation;

namespace MailHost.Admin.Web.Backend;

/// <summary>
/// The settings service as the console sees it: validate everything, commit with the revision bumped
/// and an audit entry, notify. Throws <see cref="SettingsValidationException"/> (nothing written) or
/// <see cref="EditConflictException"/> when the edit detected a concurrent change.
/// </summary>
public interface ISettingsEditor
{
    Task<long> UpdateAsync(string actor, string action, Action<SettingsData, MailHostDbContext> edit, CancellationToken cancellationToken);
}

/// <summary>Thrown from inside an edit when the stored row's Version differs from the one the form loaded.</summary>
public sealed class EditConflictException(string message) : Exception(message);
