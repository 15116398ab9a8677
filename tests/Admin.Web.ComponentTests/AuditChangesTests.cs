using MailHost.Admin.Web.Logs;
using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.ComponentTests;

/// <summary>The audit page's reading of stored values (issue 14 defect 7).</summary>
public sealed class AuditChangesTests
{
    [Fact]
    public void AddedAndChanged_EnumNumbersInWords_TemporaryIdDropped()
    {
        var entry = new AdminAuditEntry
        {
            Entity = "Listener",
            OldValue = "; {\"Port\":2525,\"TlsMode\":0}",
            NewValue = "{\"Id\":-2147482647,\"Name\":\"l1\",\"TlsMode\":1}; {\"Port\":2526,\"TlsMode\":3}",
        };
        var items = AuditChanges.Parse(entry);
        Assert.Equal(2, items.Count);
        Assert.Equal("added", items[0].Kind);
        Assert.Equal("l1", items[0].Name);
        Assert.DoesNotContain(items[0].Fields, f => f.Field == "Id");
        Assert.Contains(items[0].Fields, f => AuditChanges.Describe(f) == "TlsMode: STARTTLS optional");
        Assert.Equal(["Port: 2525 → 2526", "TlsMode: no TLS → implicit TLS"], items[1].Fields.Select(AuditChanges.Describe));
    }

    [Fact]
    public void FreeText_IsNotParsed()
    {
        Assert.Empty(AuditChanges.Parse(new AdminAuditEntry { Entity = "all", NewValue = "hostname=mx, port offset=0" }));
    }
}

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("mail.example.com", true)]
    [InlineData("mx.example.org.", true)]
    [InlineData("localhost", false)]
    [InlineData("mailhost", false)]
    [InlineData("mx.test.local", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("", false)]
    public void IsFqdn(string host, bool expected) => Assert.Equal(expected, MailHost.Admin.Web.Components.Pages.HostNames.IsFqdn(host));
}
