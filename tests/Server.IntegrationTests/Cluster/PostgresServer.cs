using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using Npgsql;

namespace MailHost.Server.IntegrationTests.Cluster;

/// <summary>
/// A PostgreSQL 15 cluster of the test's own: initdb on a temp folder owned by postgres (initdb and
/// postgres refuse to run as root, so both go through runuser), a free loopback port, trust auth on
/// 127.0.0.1 only, stopped by its postmaster PID (SIGINT: fast shutdown) and deleted afterwards.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;

    private PostgresServer(string dir, int port, int pid)
    {
        _dir = dir;
        Port = port;
        ProcessId = pid;
    }

    public int Port { get; }
    public int ProcessId { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=15;Command Timeout=30";

    public static async Task<PostgresServer> StartAsync()
    {
        var dir = Path.Combine("/tmp", "mailhost-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        await RunAsync("chown", "postgres:postgres", dir);
        var data = Path.Combine(dir, "data");
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C");
        var port = FreePorts.Next();
        await RunAsync("runuser", "-u", "postgres", "--", $"{Bin}/pg_ctl", "-D", data, "-w", "-t", "60", "-l", Path.Combine(dir, "postgres.log"),
            "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");
        var pid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);
        return new PostgresServer(dir, port, pid);
    }

    /// <summary>A fresh, empty database on this cluster; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var postmaster = Process.GetProcessById(ProcessId);
            await RunAsync("kill", "-INT", ProcessId.ToString(CultureInfo.InvariantCulture));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await postmaster.WaitForExitAsync(cts.Token);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var (code, output) = await Smtp.ExternalTool.RunAsync(file, arguments, timeoutSeconds: 90);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {code}: {output}");
        }
    }
}
