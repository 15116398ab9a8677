using System.Net;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Hosting;

public sealed class StatusApiTests
{
    [Fact]
    public async Task StatusApi_WithoutSignIn_IsRefused()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await http.GetAsync(server.ConsoleUrl + "/api/status");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("\"listeners\"", await response.Content.ReadAsStringAsync());
    }
}
