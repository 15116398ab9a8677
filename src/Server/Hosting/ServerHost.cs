using MailHost.Admin.Web;
using MailHost.Server.AdminConsole;
using MailHost.Server.Cluster;
using MailHost.Server.MailAuth;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Hosting;

/// <summary>Builds the one WebApplication that hosts the console and the mail engine.</summary>
public static class ServerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args, Console.Out);
        }
        catch (DataFolderInUseException ex)
        {
            await Console.Error.WriteLineAsync($"mailhost: {ex.Message}");
            return 1;
        }
        await app.RunAsync();
        return 0;
    }

    public static WebApplication Build(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Fixed, so the static web assets manifest (mailhost.staticwebassets.*.json) is found when hosted by tests too.
            ApplicationName = typeof(ServerHost).Assembly.GetName().Name,
        });
        var options = builder.Configuration.GetSection(MailHostOptions.Section).Get<MailHostOptions>() ?? new MailHostOptions();
        var dataDir = options.FullDataDir;
        // Before any file is created (it creates the folder too): the umask makes everything the process writes 0600/0700.
        var tightened = DataDirectoryPermissions.Secure(dataDir);
        var folderLock = DataFolderLock.Acquire(dataDir);
        try
        {
            return BuildLocked(builder, dataDir, options, tightened, folderLock, output);
        }
        catch
        {
            // A start-up that fails (a bad setting, a migration error) must not keep the folder locked.
            folderLock.Dispose();
            throw;
        }
    }

    private static WebApplication BuildLocked(WebApplicationBuilder builder, string dataDir, MailHostOptions options,
        IReadOnlyList<string> tightened, DataFolderLock folderLock, TextWriter output)
    {
        // Held until the host is disposed (the container disposes what its factory made).
        builder.Services.AddSingleton(_ => folderLock);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            // The console is local-only unless configured otherwise.
            builder.WebHost.UseUrls("http://127.0.0.1:8080");
        }

        // Serves the console's assets from the build output when not published (and in every environment, not only Development).
        builder.WebHost.UseStaticWebAssets();
        // An https:// console URL serves the mail certificates (SNI included): the console needs no certificate of its own.
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => ConsoleHttps.Configure(h, k.ApplicationServices)));

        builder.Services.AddMailHostSerilog(dataDir);

        if (options.Database.IsPostgres)
        {
            // Settings, logs and the cluster tables, all in the shared database.
            Shared.Postgres.ClusterDatabase.MigrateAll(options.Database, dataDir);
        }
        else
        {
            MailHostDatabase.Migrate(dataDir);
            LogsDatabase.Migrate(dataDir);
        }
        var password = FirstRun.Seed(options, output);
        if (password is not null)
        {
            output.WriteLine($"MailHost: admin console user 'admin', password: {password}");
            output.WriteLine("MailHost: this password is shown only once; change it in the console.");
        }
        FirstRun.RenewSelfSigned(options);
        if (options.Database.IsPostgres)
        {
            // Before the certificate store first loads: this node's certs/ gets the files other nodes made.
            using var cluster = new Shared.Postgres.ClusterDbContext(Shared.Postgres.ClusterDatabase.Options(options.Database.RequirePostgresConnectionString()));
            Cluster.SharedCertificateFiles.SyncAsync(cluster, dataDir, CancellationToken.None).GetAwaiter().GetResult();
        }

        builder.Services.Configure<MailHostOptions>(builder.Configuration.GetSection(MailHostOptions.Section));
        if (options.Database.IsPostgres)
        {
            builder.Services.AddSharedDataProtection();
        }
        else
        {
            builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "keys")));
        }
        builder.Services.AddMailHostEngine(options.Database, dataDir);
        Acme.AcmeServiceCollectionExtensions.AddMailHostAcme(builder.Services, builder.Configuration);
        builder.Services.AddMailHostAdmin();
        builder.Services.AddMailHostConsoleBackend();

        var app = builder.Build();
        if (tightened.Count > 0)
        {
            app.Logger.LogWarning("Data folder {DataDir} was readable by other users: set {Count} paths to 0700/0600 (first: {First})", dataDir, tightened.Count, tightened[0]);
        }
        app.Services.GetRequiredService<DataFolderLock>();
        if (options.Database.IsPostgres)
        {
            // Make (or load) the shared key ring now, before any request: a node that made its own first
            // key in parallel with another would not read the other's cookies until its ring refreshes.
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("MailHost.Startup").Protect("ready");
        }
        app.UseMailHostRequestLogging();
        // The first snapshot must exist before listeners bind.
        app.Services.GetRequiredService<SettingsSnapshotProvider>().ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
        // Before the console's filter and sign-in: the policy host serves every sender, and nothing else.
        app.UseMtaStsPolicyHost();
        app.MapMailHostAdmin();
        app.MapGet("/api/status", (ListenerManager listeners, SettingsSnapshotProvider settings, Logging.ActivityLog activity) =>
            Results.Json(new
            {
                revision = settings.Current.Revision,
                applied = listeners.AppliedRevision,
                listeners = listeners.Status(),
                logs = new { droppedRoutine = activity.DroppedRoutine, droppedImportant = activity.DroppedImportant, writeFailures = activity.WriteFailures },
            }, StatusFile.Json))
            .RequireAuthorization();
        app.Lifetime.ApplicationStarted.Register(() => PrintStartup(app, output));
        return app;
    }

    private static void PrintStartup(WebApplication app, TextWriter output)
    {
        output.WriteLine($"MailHost: console at {string.Join(", ", app.Urls)}");
        foreach (var l in app.Services.GetRequiredService<ListenerManager>().Status())
        {
            output.WriteLine($"MailHost: {l.Name,-12} {l.Protocol,-10} {l.EndPoint,-16} {l.TlsMode,-16} {l.State}{(l.Error is null ? "" : ": " + l.Error)}");
        }
        output.Flush();
    }
}
