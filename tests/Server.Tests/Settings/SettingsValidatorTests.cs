using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;
using MailHost.Shared.Validation;

namespace MailHost.Server.Tests.Settings;

public sealed class SettingsValidatorTests
{
    private static SettingsData Valid()
    {
        var policy = TlsPresets.Create("intermediate");
        policy.Id = 1;
        return new SettingsData
        {
            Server = new ServerSettings { Hostname = "mx.example.com" },
            TlsPolicies = [policy],
            Certificates = [new Certificate { Id = 1, Name = "c", FilePath = "certs/c.pfx", IsDefault = true }],
            Listeners = [new Listener { Id = 1, Name = "smtp", Protocol = ListenerProtocol.Smtp, Port = 25, TlsMode = TlsMode.StartTlsOptional, TlsPolicyId = 1 }],
            IpRanges = [new IpRange { Id = 1, Name = "all", LowerAddress = "0.0.0.0/0" }],
            Domains = [new Domain { Name = "example.com" }],
            Accounts = [new Account { Address = "alice@example.com" }],
        };
    }

    [Fact]
    public void Validate_DefaultLikeSettings_HasNoErrors() => Assert.Empty(SettingsValidator.Validate(Valid()));

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1_000_001, true)]
    [InlineData(0, false)]
    [InlineData(100, false)]
    public void Validate_MinFreeDiskMegabytes_OutOfRangeRefused(int megabytes, bool refused)
    {
        var d = Valid();
        d.Server.MinFreeDiskMegabytes = megabytes;
        Assert.Equal(refused, SettingsValidator.Validate(d).Any(e => e.Field == nameof(ServerSettings.MinFreeDiskMegabytes)));
    }

    [Theory]
    [InlineData(ProxyProtocolMode.Off, "", true)]
    [InlineData(ProxyProtocolMode.V1, "", false)]
    [InlineData(ProxyProtocolMode.V2, "10.0.0.5/32, 2001:db8::/64", true)]
    [InlineData(ProxyProtocolMode.Any, "10.0.0.5", true)]
    [InlineData(ProxyProtocolMode.Any, "10.0.0.5/40", false)]
    [InlineData(ProxyProtocolMode.V1, "0.0.0.0/0", false)]
    [InlineData(ProxyProtocolMode.Off, "not-an-address", false)]
    public void Validate_ProxyProtocol_NeedsTrustedSources(ProxyProtocolMode mode, string sources, bool valid)
    {
        var d = Valid();
        d.Listeners[0].ProxyProtocol = mode;
        d.Listeners[0].ProxyTrustedSources = sources;
        Assert.Equal(valid, !SettingsValidator.Validate(d).Any(e => e.Field == nameof(Listener.ProxyTrustedSources)));
    }

    [Fact]
    public void Validate_SeveralProblems_ReturnsEveryError()
    {
        var d = Valid();
        d.Server.Hostname = "bad host";
        d.Listeners[0].Port = 70000;
        d.Listeners.Add(new Listener { Id = 2, Name = "smtp", Protocol = ListenerProtocol.Imap, Port = 143, IdleTimeoutSeconds = 60 });
        d.IpRanges.Add(new IpRange { Id = 2, Name = "broken", LowerAddress = "10.0.0.9", UpperAddress = "10.0.0.1" });
        d.Accounts.Add(new Account { Address = "bob@elsewhere.org" });

        var errors = SettingsValidator.Validate(d);

        Assert.Contains(errors, e => e.Field == "Hostname");
        Assert.Contains(errors, e => e.Field == "Port" && e.Message.Contains("70000"));
        Assert.Contains(errors, e => e.Message == "name is used twice");
        Assert.Contains(errors, e => e.Field == "IdleTimeoutSeconds" && e.Message.Contains("1800"));
        Assert.Contains(errors, e => e.Item == "IP range 'broken'");
        Assert.Contains(errors, e => e.Item == "account 'bob@elsewhere.org'");
        Assert.True(errors.Count >= 6);
    }

    [Fact]
    public void Validate_TwoEnabledListenersOnOneEndpoint_IsAnError()
    {
        var d = Valid();
        d.Listeners.Add(new Listener { Id = 2, Name = "other", Protocol = ListenerProtocol.Smtp, Port = 25 });
        Assert.Contains(SettingsValidator.Validate(d), e => e.Message.Contains("already used by listener 'smtp'"));
        d.Listeners[1].Enabled = false;
        Assert.Empty(SettingsValidator.Validate(d));
    }

    [Theory]
    [InlineData("NULL-SHA256", "weak")]
    [InlineData("ADH-AES128-SHA", "weak")]
    [InlineData("EXP-RC4-MD5", "weak")]
    [InlineData("DES-CBC3-SHA", "weak")]
    [InlineData("RC4-SHA", "weak")]
    [InlineData("NOT-A-CIPHER", "not a known")]
    public void Validate_WeakOrUnknownCipher_IsRefused(string cipher, string reason)
    {
        var d = Valid();
        d.TlsPolicies[0].CipherList += ":" + cipher;
        Assert.Contains(SettingsValidator.Validate(d), e => e.Field == "CipherList" && e.Message.Contains(reason));
    }

    [Fact]
    public void Validate_PolicyWithNoVersionsOrNoCiphers_IsAnError()
    {
        var d = Valid();
        d.TlsPolicies[0].Tls12 = false;
        d.TlsPolicies[0].Tls13 = false;
        Assert.Contains(SettingsValidator.Validate(d), e => e.Field == "versions");

        d = Valid();
        d.TlsPolicies[0].CipherList = "";
        Assert.Contains(SettingsValidator.Validate(d), e => e.Message.Contains("no usable cipher"));
    }

    [Fact]
    public void Validate_TlsListenerWithoutCertificate_IsAnError()
    {
        var d = Valid();
        d.Certificates.Clear();
        Assert.Contains(SettingsValidator.Validate(d), e => e.Message.Contains("needs a certificate"));
    }

    [Fact]
    public void Presets_AllValidate_AndOnlyLegacyWarns()
    {
        foreach (var name in TlsPresets.Names)
        {
            var d = Valid();
            d.TlsPolicies[0] = TlsPresets.Create(name);
            d.TlsPolicies[0].Id = 1;
            Assert.Empty(SettingsValidator.Validate(d));
            Assert.Equal(name == "legacy", TlsPresets.Warnings(d.TlsPolicies[0]).Any());
        }
    }
}
