using MailHost.Admin.Web.Backend;
using MailHost.Shared.Data;
using MailHost.Shared.Validation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace MailHost.Admin.Web.Components.Shared;

/// <summary>
/// What every settings page shares: saving through the settings service, showing every validation
/// error next to its field, and turning a concurrent edit into a conflict message with fresh values.
/// </summary>
public abstract class SettingsPageBase : ComponentBase
{
    [Inject] protected ISettingsEditor Editor { get; set; } = default!;
    [Inject] protected IDbContextFactory<MailHostDbContext> DbFactory { get; set; } = default!;
    [Inject] protected IEngineStatus Engine { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected IDialogService Dialogs { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    protected IReadOnlyList<SettingsError> Errors { get; private set; } = [];
    protected string? Notice { get; set; }
    protected string? Failure { get; set; }

    /// <summary>The revision the last save produced; pages that wait for the engine compare it with AppliedRevision.</summary>
    protected long? SavedRevision { get; private set; }

    protected void ClearMessages()
    {
        Errors = [];
        Notice = null;
        Failure = null;
    }

    /// <summary>Saves; returns true when committed. On a conflict <see cref="OnConflictAsync"/> reloads the current values.</summary>
    protected async Task<bool> SaveAsync(string action, Action<SettingsData, MailHostDbContext> edit, string? success = null)
    {
        ClearMessages();
        var actor = AuthState is null ? "admin" : (await AuthState).User.Identity?.Name ?? "admin";
        try
        {
            SavedRevision = await Editor.UpdateAsync(actor, action, edit, CancellationToken.None);
            Notice = success ?? $"Saved (revision {SavedRevision}). Applies to new connections at once; nothing else to do.";
            Snackbar.Add(Notice, Severity.Success);
            return true;
        }
        catch (SettingsValidationException ex)
        {
            Errors = ex.Errors;
            Failure = "Not saved: fix the fields marked below.";
        }
        catch (EditConflictException ex)
        {
            await OnConflictAsync();
            Failure = ex.Message + " The form now shows the current values; re-apply your change and save again.";
        }
        catch (DbUpdateConcurrencyException)
        {
            await OnConflictAsync();
            Failure = "Someone else changed this at the same time. The form now shows the current values.";
        }
        catch (DbUpdateException ex)
        {
            Failure = "Not saved: " + (ex.InnerException?.Message ?? ex.Message);
        }
        return false;
    }

    protected virtual Task OnConflictAsync() => Task.CompletedTask;

    /// <summary>Finds the stored row the form edits and refuses if someone saved it since the form loaded.</summary>
    protected static T Current<T>(IEnumerable<T> items, int id, Guid loadedVersion, Func<T, int> idOf, Func<T, Guid> versionOf, string what)
    {
        var item = items.FirstOrDefault(i => idOf(i) == id) ?? throw new EditConflictException($"This {what} was deleted by someone else.");
        if (versionOf(item) != loadedVersion)
        {
            throw new EditConflictException($"This {what} was changed by someone else after you opened it.");
        }
        return item;
    }

    /// <summary>Asks before a destructive action; true only when the admin confirms.</summary>
    protected async Task<bool> ConfirmAsync(string title, string message, string yes = "Delete") =>
        await Dialogs.ShowMessageBoxAsync(title, message, yesText: yes, cancelText: "Cancel") == true;

    /// <summary>True when a field has a validation error: the Mud field turns red, FieldErrors under it says why.</summary>
    protected bool HasError(string field) => ErrorsFor(field).Any();

    protected IEnumerable<SettingsError> ErrorsFor(string field) => Errors.Where(e => e.Field.Equals(field, StringComparison.OrdinalIgnoreCase));

    /// <summary>Errors not tied to a field shown on the form (shown at the top).</summary>
    protected IEnumerable<SettingsError> OtherErrors(params string[] shownFields) =>
        Errors.Where(e => !shownFields.Contains(e.Field, StringComparer.OrdinalIgnoreCase));
}
