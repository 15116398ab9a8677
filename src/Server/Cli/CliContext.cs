using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Cli;

/// <summary>Parsed arguments plus the services a command needs, on the same data folder and configuration as the server.</summary>
public sealed class CliContext : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliContext(List<string> positional, Dictionary<string, string?> flags, TextReader input, TextWriter output, TextWriter error, ServiceProvider services, MailHostOptions options)
    {
        Positional = positional;
        Flags = flags;
        Input = input;
        Output = output;
        Error = error;
        _services = services;
        Options = options;
    }

    public List<string> Positional { get; }
    public Dictionary<string, string?> Flags { get; }
    public TextReader Input { get; }
    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public MailHostOptions Options { get; }
    public IServiceProvider Services => _services;
    public SettingsService Settings => _services.GetRequiredService<SettingsService>();

    public static CliContext Create(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var positional = new List<string>();
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var repeated = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var config = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.StartsWith("--MailHost:", StringComparison.OrdinalIgnoreCase) || a.StartsWith("--MailHost__", StringComparison.OrdinalIgnoreCase))
            {
                config.Add(a);
            }
            else if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    flags[a[2..eq]] = a[(eq + 1)..];
                    Repeat(repeated, a[2..eq], a[(eq + 1)..]);
                }
                else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) && !IsSwitch(a[2..]))
                {
                    flags[a[2..]] = args[++i];
                    Repeat(repeated, a[2..], args[i]);
                }
                else
                {
                    flags[a[2..]] = null;
                }
            }
            else
            {
                positional.Add(a);
            }
        }
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. config])
            .Build();
        var options = configuration.GetSection(MailHostOptions.Section).Get<MailHostOptions>() ?? new MailHostOptions();
        if (!options.Database.IsPostgres && !File.Exists(Path.Combine(options.FullDataDir, "settings.db")))
        {
            // A command never creates an installation (a new admin password nobody saw) by being run
            // from the wrong folder; the server's first start does.
            throw new CliUsageException($"no MailHost data folder at {options.FullDataDir} (settings.db is missing): start the server once, or pass --MailHost:DataDir=DIR");
        }
        // Files the command creates (WAL, journal) are private; fixing an old folder's modes walks the
        // whole store, which is the server's start-up job, not every `mailhost status`.
        DataDirectoryPermissions.RestrictNewFiles();
        if (options.Database.IsPostgres)
        {
            Shared.Postgres.ClusterDatabase.MigrateAll(options.Database, options.FullDataDir);
        }
        else
        {
            MailHostDatabase.Migrate(options.FullDataDir);
            LogsDatabase.Migrate(options.FullDataDir);
        }
        var password = FirstRun.Seed(options, output);
        if (password is not null)
        {
            output.WriteLine($"MailHost: admin console user 'admin', password: {password} (shown only once)");
        }
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton<IConfiguration>(configuration);
        services.AddDbContextFactoryForCli(options.Database, options.FullDataDir);
        // `mailhost dns show` asks the live DNS (MailHost:DnsServers, else /etc/resolv.conf).
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<Dns.DnsResolverOptions>().BindConfiguration(MailHostOptions.Section);
        services.AddSingleton<Dns.IDnsResolver, Dns.DnsResolver>();
        return new CliContext(positional, flags, input, output, error, services.BuildServiceProvider(), options) { _repeated = repeated };
    }

    private static bool IsSwitch(string name) => name is "password-stdin" or "json" or "enable" or "disable" or "default" or "active" or "agree-tos";

    private static void Repeat(Dictionary<string, List<string>> repeated, string name, string value)
    {
        if (!repeated.TryGetValue(name, out var list))
        {
            repeated[name] = list = [];
        }
        list.Add(value);
    }

    /// <summary>All values of a flag given several times, in order (empty when absent).</summary>
    public IReadOnlyList<string> FlagValues(string name) => _repeated.TryGetValue(name, out var list) ? list : [];

    // Every value of a flag given more than once (`--domain a --domain b`); Flags keeps the last.
    private Dictionary<string, List<string>> _repeated = new(StringComparer.OrdinalIgnoreCase);

    public string Arg(int index, string what) =>
        index < Positional.Count ? Positional[index] : throw new CliUsageException($"missing {what}");

    public string? Flag(string name) => Flags.TryGetValue(name, out var v) ? v : null;

    public bool Has(string name) => Flags.ContainsKey(name);

    public int? IntFlag(string name)
    {
        var v = Flag(name);
        if (v is null)
        {
            return null;
        }
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new CliUsageException($"--{name} takes a whole number");
    }

    public bool? BoolFlag(string name)
    {
        var v = Flag(name);
        return v switch
        {
            null => Has(name) ? true : null,
            "true" or "yes" or "on" or "1" => true,
            "false" or "no" or "off" or "0" => false,
            _ => throw new CliUsageException($"--{name} takes yes or no"),
        };
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}

public sealed class CliUsageException(string message) : Exception(message);

internal static class CliServiceCollectionExtensions
{
    public static IServiceCollection AddDbContextFactoryForCli(this IServiceCollection services, DatabaseOptions database, string dataDir)
    {
        services.AddDbContextFactory<MailHostDbContext>(o => MailHostDatabase.Configure(o, database, dataDir));
        services.AddDbContextFactory<LogsDbContext>(o => LogsDatabase.Configure(o, database, dataDir));
        if (database.IsPostgres)
        {
            services.AddDbContextFactory<Shared.Postgres.ClusterDbContext>(o => Shared.Postgres.ClusterDatabase.Configure(o, database.RequirePostgresConnectionString()));
        }
        services.AddSingleton<SettingsChangeNotifier>();
        services.AddSingleton<SettingsService>();
        return services;
    }
}

internal static class CliDbExtensions
{
    public static Task<Shared.Data.MailHostDbContext> DbAsync(this CliContext c) =>
        c.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Shared.Data.MailHostDbContext>>().CreateDbContextAsync();
}
