using System.Net;
using MailHost.Admin.Web.Security;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace MailHost.Admin.Web.Tests.Security;

public sealed class AdminAccessFilterTests
{
    private static AdminAccessFilter Filter(string? value) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [AdminAccessFilter.ConfigKey] = value }).Build());

    [Theory]
    [InlineData("", "203.0.113.5", true)]
    [InlineData("127.0.0.0/8, 2001:db8::/32", "127.0.0.1", true)]
    [InlineData("127.0.0.0/8, 2001:db8::/32", "2001:db8::7", true)]
    [InlineData("127.0.0.0/8, 2001:db8::/32", "::ffff:127.0.0.9", true)]
    [InlineData("127.0.0.0/8, 2001:db8::/32", "192.0.2.1", false)]
    [InlineData("192.0.2.10", "192.0.2.11", false)]
    public void IsAllowed_ConfiguredRanges_MatchesOnlyThose(string configured, string address, bool expected) =>
        Assert.Equal(expected, Filter(configured).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void Constructor_BadRange_ThrowsWithKeyName()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Filter("10.0.0.0/99"));
        Assert.Contains(AdminAccessFilter.ConfigKey, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_FromAddressNotAllowed_Answers403BeforeLogin()
    {
        await using var server = await TestServer.StartAsync(null, "--MailHost:AdminAllowedFrom=10.0.0.0/8");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(server.ConsoleUrl + "/login")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(server.ConsoleUrl + "/account/login", new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task Console_OverHttps_UsesMailCertificateStore()
    {
        await using var server = await TestServer.StartAsync(null, "--urls=https://127.0.0.1:0");
        Assert.StartsWith("https://", server.ConsoleUrl, StringComparison.Ordinal);
        string? subject = null;
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                subject = certificate?.Subject;
                return true;
            },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var response = await http.GetAsync(server.ConsoleUrl + "/login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=mx.test.local", subject);
    }
}
