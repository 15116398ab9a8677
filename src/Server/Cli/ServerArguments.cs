namespace MailHost.Server.Cli;

/// <summary>
/// What the process was asked to do before anything touches the data folder: `--help` prints usage
/// (it used to start a second server on the same folder), and an unknown server flag is a usage error
/// instead of being silently ignored by the configuration system.
/// </summary>
public static class ServerArguments
{
    public static bool AsksForHelp(string[] args) =>
        args.Any(a => a is "--help" or "-h" or "-?" or "/?");

    /// <summary>The first argument the server would not understand, or null.</summary>
    public static string? FirstUnknown(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || !IsKnown(a[2..]))
            {
                return a;
            }
            if (!a.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                i++; // "--urls http://…": the value of the flag before it
            }
        }
        return null;
    }

    // The configuration keys the server reads from its command line (ASP.NET Core's own and ours).
    private static readonly string[] KnownPrefixes =
        ["MailHost:", "MailHost__", "Logging:", "Kestrel:", "ASPNETCORE_"];

    private static readonly string[] KnownKeys =
        ["urls", "environment", "contentRoot", "applicationName", "AllowedHosts", "https_port", "http_ports", "https_ports"];

    private static bool IsKnown(string flag)
    {
        var key = flag.Split('=', 2)[0];
        return KnownPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            || KnownKeys.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase));
    }
}
