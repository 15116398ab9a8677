using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Cluster;

/// <summary>
/// One PostgreSQL cluster and two MailHost server processes on it: node A on 127.0.0.11 and node B on
/// 127.0.0.12 (MailHost:ListenAddress), each with its own data folder and the same listener ports.
/// Revision polling is set to 30 s, so a change seen on B within a second came through LISTEN/NOTIFY.
/// </summary>
public sealed partial class ClusterFixture : IAsyncLifetime
{
    public const string AdminPassword = "cluster-admin-password-1";
    public static readonly IPAddress AddressA = IPAddress.Parse("127.0.0.11");
    public static readonly IPAddress AddressB = IPAddress.Parse("127.0.0.12");

    public PostgresServer Postgres { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public int PortOffset { get; private set; }
    public ExternalServer NodeA { get; private set; } = null!;
    public ExternalServer NodeB { get; private set; } = null!;
    public string ConsoleA { get; private set; } = "";
    public string ConsoleB { get; private set; } = "";

    public int Port(int standard) => standard + PortOffset;

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        ConnectionString = await Postgres.CreateDatabaseAsync("mailhost");
        PortOffset = FreeOffset();
        NodeA = await StartNodeAsync("node-a", AddressA);
        NodeB = await StartNodeAsync("node-b", AddressB);
        ConsoleA = ConsoleUrl(NodeA);
        ConsoleB = ConsoleUrl(NodeB);
    }

    public Dictionary<string, string> Environment => new()
    {
        ["MailHost__Database__Provider"] = "Postgres",
        ["MailHost__Database__ConnectionString"] = ConnectionString,
        ["MailHost__PortOffset"] = PortOffset.ToString(CultureInfo.InvariantCulture),
        ["MailHost__AdminPassword"] = AdminPassword,
    };

    private async Task<ExternalServer> StartNodeAsync(string name, IPAddress address)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"mailhost-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        return await ExternalServer.StartAsync(dataDir, new Dictionary<string, int>(), Environment,
            [$"--MailHost:ListenAddress={address}", $"--MailHost:NodeName={name}", "--MailHost:RevisionPollMilliseconds=30000"]);
    }

    /// <summary>`mailhost ARGS…` against node A's data folder and the shared database.</summary>
    public async Task<(int ExitCode, string Output)> CliAsync(string? stdin, params string[] arguments)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "mailhost"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in arguments.Append($"--MailHost:DataDir={NodeA.DataDir}"))
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in Environment)
        {
            psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The first line an SMTP client sees from <paramref name="address"/>.</summary>
    public async Task<string> GreetingAsync(IPAddress address)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new IPEndPoint(address, Port(25)), cts.Token);
        using var reader = new StreamReader(client.GetStream());
        return await reader.ReadLineAsync(cts.Token) ?? "";
    }

    private static string ConsoleUrl(ExternalServer node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (node.Output)
            {
                text = node.Output.ToString();
            }
            var match = ConsoleLine().Match(text);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException("the node never printed its console URL");
    }

    /// <summary>An offset that puts all seven standard ports in 12000–32000, free on both node addresses.</summary>
    private static int FreeOffset()
    {
        int[] standard = [25, 587, 465, 143, 993, 110, 995];
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var offset = Random.Shared.Next(12000, 31000);
            if (standard.All(p => IsFree(AddressA, p + offset) && IsFree(AddressB, p + offset)))
            {
                return offset;
            }
        }
        throw new InvalidOperationException("no free port offset");
    }

    private static bool IsFree(IPAddress address, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { NodeA, NodeB })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
                TestDataDir.Delete(node.DataDir);
            }
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }

    [GeneratedRegex(@"console at (http://[0-9.:]+)")]
    private static partial Regex ConsoleLine();
}

/// <summary>One PostgreSQL cluster and one pair of nodes for every cluster test class (they run one after the other).</summary>
[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;
