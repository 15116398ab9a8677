using System.Net;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Security;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>
/// MailHost with four PROXY listeners (SMTP v1, SMTP v2, SMTP implicit TLS taking either, IMAP v1) that trust only
/// 127.0.0.9, and a real haproxy in front of them connecting from 127.0.0.9. Clients connect to haproxy from other
/// loopback addresses: 127.0.0.2 sends mail, 127.0.0.3 is a bystander, 127.0.0.4 is denied by an IP range,
/// 127.0.0.6 gets banned, 127.0.0.7 tests the per-address limit.
/// </summary>
public sealed class ProxyProtocolFixture : IAsyncLifetime
{
    public static readonly IPAddress ProxySource = IPAddress.Parse("127.0.0.9");
    public static readonly IPAddress Sender = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress Bystander = IPAddress.Parse("127.0.0.3");
    public static readonly IPAddress Denied = IPAddress.Parse("127.0.0.4");
    public static readonly IPAddress Banned = IPAddress.Parse("127.0.0.6");
    public static readonly IPAddress Crowd = IPAddress.Parse("127.0.0.7");
    public const string Password = "pw";
    public const int AuthFailLimit = 3;
    public const int MaxConnectionsPerIp = 4;

    private readonly Dictionary<string, int> _ports = [];

    public TestServer Server { get; private set; } = null!;
    public HaproxyProcess Haproxy { get; private set; } = null!;

    /// <summary>MailHost's own port of a PROXY listener (what haproxy connects to).</summary>
    public int Direct(string listener) => _ports[listener];

    /// <summary>haproxy's frontend port for a listener (what clients connect to).</summary>
    public int ViaProxy(string listener) => Haproxy.Frontends[listener];

    public async Task InitializeAsync()
    {
        foreach (var name in new[] { "px-smtp", "px-smtp2", "px-smtps", "px-imap" })
        {
            _ports[name] = FreePorts.Next();
        }
        Server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = SecurityWorld.CheapHash(Password) });
            var server = db.ServerSettings.Single();
            server.AuthFailLimit = AuthFailLimit;
            server.AuthFailWindowMinutes = 10;
            server.AuthBanMinutes = 30;
            server.MaxConnectionsPerIp = MaxConnectionsPerIp;
            db.IpRanges.Add(new IpRange { Name = "px denied", Priority = 30, LowerAddress = "127.0.0.4/32", AllowSmtp = false, AllowImap = false, AllowPop3 = false });
            Add(db, "px-smtp", ListenerProtocol.Smtp, TlsMode.StartTlsOptional, ProxyProtocolMode.V1, 300);
            Add(db, "px-smtp2", ListenerProtocol.Smtp, TlsMode.StartTlsOptional, ProxyProtocolMode.V2, 300);
            Add(db, "px-smtps", ListenerProtocol.Smtp, TlsMode.ImplicitTls, ProxyProtocolMode.Any, 300);
            Add(db, "px-imap", ListenerProtocol.Imap, TlsMode.StartTlsOptional, ProxyProtocolMode.V1, 1800);
        });
        Haproxy = await HaproxyProcess.StartAsync(ProxySource,
            ("px-smtp", _ports["px-smtp"], "send-proxy"),
            ("px-smtp2", _ports["px-smtp2"], "send-proxy-v2 proxy-v2-options crc32c,authority"),
            ("px-smtps", _ports["px-smtps"], "send-proxy-v2"),
            ("px-imap", _ports["px-imap"], "send-proxy"));
    }

    private void Add(Shared.Data.MailHostDbContext db, string name, ListenerProtocol protocol, TlsMode tls, ProxyProtocolMode mode, int idle) =>
        db.Listeners.Add(new Listener
        {
            Name = name,
            Protocol = protocol,
            BindAddress = "127.0.0.1",
            Port = _ports[name],
            TlsMode = tls,
            IdleTimeoutSeconds = idle,
            ProxyProtocol = mode,
            ProxyTrustedSources = ProxySource + "/32",
        });

    public async Task DisposeAsync()
    {
        if (Haproxy is not null)
        {
            await Haproxy.DisposeAsync();
        }
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>One MailHost and one haproxy for the PROXY protocol classes; they run one after the other.</summary>
[CollectionDefinition("haproxy")]
public sealed class ProxyProtocolCollection : ICollectionFixture<ProxyProtocolFixture>;
