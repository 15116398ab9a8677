using MailHost.Server.Hosting;

namespace MailHost.Server.Cli;

/// <summary>Entry for `mailhost &lt;noun&gt; &lt;verb&gt;`: exit 0 ok, 1 validation error (every message printed), 2 usage.</summary>
public static partial class CliApp
{
    public static bool IsCommand(string[] args) => args is { Length: > 0 } && !args[0].StartsWith('-');

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (ServerArguments.AsksForHelp(args))
        {
            // Before the data folder is opened: `listener set smtp --help` used to report an update.
            await output.WriteLineAsync(Usage);
            return 2;
        }
        try
        {
            return await DispatchAsync(CliContext.Create(args, input, output, error));
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
