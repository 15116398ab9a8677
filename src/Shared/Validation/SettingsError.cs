namespace MailHost.Shared.Validation;

/// <summary>One validation failure: which item and field, and what is wrong.</summary>
public sealed record SettingsError(string Item, string Field, string Message)
{
    public override string ToString() => $"{Item}: {Field}: {Message}";
}

/// <summary>Thrown by the settings service when a change is refused; carries every error.</summary>
public sealed class SettingsValidationException(IReadOnlyList<SettingsError> errors)
    : Exception("settings are invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<SettingsError> Errors { get; } = errors;
}
