using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.Tls;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Hosting;

/// <summary>
/// Seeds an empty database: server settings, TLS policies, self-signed certificates, the seven
/// standard listeners, the default IP ranges and the admin account. Runs once; later starts only
/// renew an expiring self-signed certificate.
/// </summary>
public static class FirstRun
{
    /// <summary>Returns the generated admin password when one was made (to print once), else null.</summary>
    public static string? Seed(MailHostOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var dataDir = options.FullDataDir;
        using var db = new MailHostDbContext(MailHostDatabase.Options(options.Database, dataDir));
        if (db.ServerSettings.Any())
        {
            return null;
        }
        var hostname = options.Hostname is { Length: > 0 } h ? h : DefaultHostname();
        db.ServerSettings.Add(new ServerSettings { Id = 1, Hostname = hostname, Banner = $"{hostname} ESMTP MailHost", Revision = 1 });

        foreach (var preset in TlsPresets.Names)
        {
            db.TlsPolicies.Add(TlsPresets.Create(preset));
        }
        db.SaveChanges();
        var intermediate = db.TlsPolicies.Single(p => p.Name == "intermediate").Id;

        AddCertificate(db, dataDir, "default-ecdsa", SelfSignedCertificateFactory.CreateEcdsa(hostname), isDefault: true);
        AddCertificate(db, dataDir, "default-rsa", SelfSignedCertificateFactory.CreateRsa(hostname), isDefault: false);

        var offset = options.PortOffset;
        (string Name, ListenerProtocol Protocol, int Port, TlsMode Mode, int Idle)[] standard =
        [
            ("smtp", ListenerProtocol.Smtp, 25, TlsMode.StartTlsOptional, 300),
            ("submission", ListenerProtocol.Submission, 587, TlsMode.StartTlsRequired, 300),
            ("submissions", ListenerProtocol.Submission, 465, TlsMode.ImplicitTls, 300),
            ("imap", ListenerProtocol.Imap, 143, TlsMode.StartTlsRequired, 1800),
            ("imaps", ListenerProtocol.Imap, 993, TlsMode.ImplicitTls, 1800),
            ("pop3", ListenerProtocol.Pop3, 110, TlsMode.StartTlsRequired, 600),
            ("pop3s", ListenerProtocol.Pop3, 995, TlsMode.ImplicitTls, 600),
        ];
        foreach (var l in standard)
        {
            db.Listeners.Add(new Listener
            {
                Name = l.Name,
                Protocol = l.Protocol,
                BindAddress = "any",
                Port = l.Port + offset,
                TlsMode = l.Mode,
                TlsPolicyId = intermediate,
                IdleTimeoutSeconds = l.Idle,
                AuthAllowed = true,
            });
        }

        db.IpRanges.AddRange(
            new IpRange { Name = "My computer", Priority = 20, LowerAddress = "127.0.0.0/8", AllowRelay = true, RequireTlsForAuth = false },
            new IpRange { Name = "My computer (IPv6)", Priority = 20, LowerAddress = "::1/128", AllowRelay = true, RequireTlsForAuth = false },
            new IpRange { Name = "Internet", Priority = 10, LowerAddress = "0.0.0.0/0", AllowRelay = false, RequireTlsForAuth = true, VerifySenderAuthentication = true },
            new IpRange { Name = "Internet (IPv6)", Priority = 10, LowerAddress = "::/0", AllowRelay = false, RequireTlsForAuth = true, VerifySenderAuthentication = true });

        var generated = string.IsNullOrEmpty(options.AdminPassword) ? PasswordHasher.GeneratePassword() : null;
        db.AdminUsers.Add(new AdminUser { UserName = "admin", PasswordHash = PasswordHasher.Hash(options.AdminPassword is { Length: > 0 } p ? p : generated!) });
        db.AuditLog.Add(new AdminAuditEntry { TimeUtc = DateTime.UtcNow, Actor = "first-run", Action = "seed", Entity = "all", NewValue = $"hostname={hostname}, port offset={offset}" });
        db.SaveChanges();
        output.WriteLine($"MailHost: first run; created {(options.Database.IsPostgres ? "the settings in PostgreSQL" : Path.Combine(dataDir, "settings.db"))} for {hostname}.");
        return generated;
    }

    /// <summary>Replaces self-signed certificates that expire within 30 days.</summary>
    public static void RenewSelfSigned(MailHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDir = options.FullDataDir;
        using var db = new MailHostDbContext(MailHostDatabase.Options(options.Database, dataDir));
        var settings = db.ServerSettings.OrderBy(s => s.Id).FirstOrDefault();
        var expiring = db.Certificates.Where(c => c.Name.StartsWith("default-")).AsEnumerable().Where(c => c.NotAfterUtc < DateTime.UtcNow.AddDays(30)).ToList();
        if (settings is null || expiring.Count == 0)
        {
            return;
        }
        foreach (var c in expiring)
        {
            using var fresh = c.KeyAlgorithm.StartsWith("RSA", StringComparison.Ordinal)
                ? SelfSignedCertificateFactory.CreateRsa(settings.Hostname)
                : SelfSignedCertificateFactory.CreateEcdsa(settings.Hostname);
            c.FilePath = CertificateFiles.Save(dataDir, c.Name, fresh);
            c.Thumbprint = fresh.Thumbprint;
            c.NotAfterUtc = fresh.NotAfter.ToUniversalTime();
        }
        settings.Revision++;
        db.SaveChanges();
    }

    private static void AddCertificate(MailHostDbContext db, string dataDir, string name, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, bool isDefault)
    {
        using (certificate)
        {
            db.Certificates.Add(new Certificate
            {
                Name = name,
                FilePath = CertificateFiles.Save(dataDir, name, certificate),
                HostNames = string.Join(",", CertificateFiles.HostNames(certificate)),
                Thumbprint = certificate.Thumbprint,
                KeyAlgorithm = CertificateFiles.KeyAlgorithm(certificate),
                NotAfterUtc = certificate.NotAfter.ToUniversalTime(),
                IsDefault = isDefault,
            });
        }
    }

    private static string DefaultHostname()
    {
        try
        {
            var name = System.Net.Dns.GetHostEntry(System.Net.Dns.GetHostName()).HostName;
            return Shared.Validation.DomainName.IsValid(name) ? name.ToLowerInvariant() : "localhost";
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
