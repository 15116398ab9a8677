namespace MailHost.Shared.Data;

/// <summary>Which engine holds the shared state: one node's SQLite files, or one PostgreSQL database for several nodes.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The "MailHost:Database" configuration section.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>An Npgsql connection string (Host=…;Port=…;Database=…;Username=…;Password=…); unused with SQLite.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>The Postgres connection string, or a clear start-up error when it is missing.</summary>
    public string RequirePostgresConnectionString() =>
        ConnectionString is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("MailHost:Database:Provider is Postgres but MailHost:Database:ConnectionString is empty");
}

/// <summary>Provider details shared by every context that can live in PostgreSQL.</summary>
public static class PostgresProvider
{
    /// <summary>The assembly with the generated PostgreSQL migrations (src/Shared.Postgres), one set per context.</summary>
    public const string MigrationsAssembly = "MailHost.Shared.Postgres";

    /// <summary>
    /// Our entities keep UTC in plain DateTime properties whose Kind is often Unspecified after a
    /// round-trip (SQLite has no time zones). Npgsql's default refuses such values for timestamptz;
    /// the documented legacy mode maps DateTime to "timestamp without time zone" and takes them as they
    /// are, so both providers store the same wall-clock UTC values. Must run before Npgsql builds a model.
    /// </summary>
    public static void UseUtcDateTimeAsTimestamp() => AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);
}
