using MailHost.Server.Hosting;

namespace MailHost.Server.Cli;

/// <summary>Entry for `mailhost &lt;noun&gt; &lt;verb&gt;`: exit 0 ok, 1 validation error (every message printed), 2 usage.</summary>
public static partial class CliApp
{
    public static bool IsCommand(string[] args) => args is { Length: > 0 } && !args[0].StartsWith('-');

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = CliContext.Create(args, input, output, error);
        try
        {
            return await DispatchAsync(context);
        }
        catch (CliUsageException ex)
        {
            await error.WriteLineAsync($"mailhost: {ex.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        catch (Shared.Validation.SettingsValidationException ex)
        {
            foreach (var e in ex.Errors)
            {
                await error.WriteLineAsync($"error: {e}");
            }
            return 1;
        }
    }
}
