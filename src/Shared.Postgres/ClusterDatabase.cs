using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Postgres;

/// <summary>
/// Options and migration for <see cref="ClusterDbContext"/>, and the NOTIFY triggers every node LISTENs
/// to. The triggers fire inside the writing transaction, so a notification is sent exactly when the
/// change commits, whoever wrote it (console, CLI, first run, a ban on any node).
/// </summary>
public static class ClusterDatabase
{
    public const string HistoryTable = "__EFMigrationsHistory_Cluster";

    /// <summary>Payload: the new settings revision.</summary>
    public const string SettingsChannel = "mailhost_settings";

    /// <summary>Payload: the banned address.</summary>
    public const string BansChannel = "mailhost_bans";

    public static DbContextOptions<ClusterDbContext> Options(string connectionString)
    {
        PostgresProvider.UseUtcDateTimeAsTimestamp();
        return new DbContextOptionsBuilder<ClusterDbContext>().UseNpgsql(connectionString, o => o.MigrationsHistoryTable(HistoryTable)).Options;
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgresProvider.UseUtcDateTimeAsTimestamp();
        options.UseNpgsql(connectionString, o => o.MigrationsHistoryTable(HistoryTable));
    }

    /// <summary>Migrates every context into the shared database, then (re)creates the triggers. Idempotent; safe when nodes start together.</summary>
    public static void MigrateAll(DatabaseOptions database, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(database);
        MailHostDatabase.Migrate(database, dataDir);
        LogsDatabase.Migrate(database, dataDir);
        using var db = new ClusterDbContext(Options(database.RequirePostgresConnectionString()));
        db.Database.Migrate();
        // Serialized by an advisory lock: CREATE OR REPLACE of the same trigger from two nodes at once can
        // fail with "tuple concurrently updated".
        using var tx = db.Database.BeginTransaction();
        db.Database.ExecuteSqlRaw("SELECT pg_advisory_xact_lock(7423001)");
        db.Database.ExecuteSqlRaw(TriggersSql);
        tx.Commit();
    }

    private const string TriggersSql = $$"""
        CREATE OR REPLACE FUNCTION mailhost_notify_settings() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
          IF TG_OP = 'INSERT' OR NEW."Revision" IS DISTINCT FROM OLD."Revision" THEN
            PERFORM pg_notify('{{SettingsChannel}}', NEW."Revision"::text);
          END IF;
          RETURN NULL;
        END $f$;
        CREATE OR REPLACE TRIGGER mailhost_settings_notify AFTER INSERT OR UPDATE ON "ServerSettings"
          FOR EACH ROW EXECUTE FUNCTION mailhost_notify_settings();
        CREATE OR REPLACE FUNCTION mailhost_notify_bans() RETURNS trigger LANGUAGE plpgsql AS $f$
        BEGIN
          PERFORM pg_notify('{{BansChannel}}', COALESCE(NEW."Address", OLD."Address"));
          RETURN NULL;
        END $f$;
        CREATE OR REPLACE TRIGGER mailhost_bans_notify AFTER INSERT OR UPDATE OR DELETE ON "IpBans"
          FOR EACH ROW EXECUTE FUNCTION mailhost_notify_bans();
        """;
}
