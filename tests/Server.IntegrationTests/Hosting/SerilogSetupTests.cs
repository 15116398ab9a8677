using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>Serilog per host (two servers in one process keep their own log files) and the console's request log levels.</summary>
public sealed class SerilogSetupTests
{
    [Fact]
    public async Task TwoHosts_EachLogsItsOwnRequests_PagesAtInformationAssetsNot()
    {
        await using var first = await TestServer.StartAsync();
        await using var second = await TestServer.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        var page = await http.GetAsync(first.ConsoleUrl + "/login");
        Assert.True(page.IsSuccessStatusCode, page.StatusCode.ToString());
        var asset = await http.GetAsync(first.ConsoleUrl + "/_content/MailHost.Admin.Web/console.css");
        Assert.True(asset.IsSuccessStatusCode, asset.StatusCode.ToString());
        // Only the second host serves /mailboxes (not signed in: a redirect to the sign-in page).
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var redirect = await noRedirect.GetAsync(second.ConsoleUrl + "/mailboxes");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, redirect.StatusCode);

        var firstLog = await WaitForLogAsync(first.DataDir, "HTTP GET /login responded 200");
        Assert.DoesNotContain("/mailboxes", firstLog);
        Assert.DoesNotContain("console.css", firstLog);
        await WaitForLogAsync(second.DataDir, "HTTP GET /mailboxes responded 302");
    }

    private static async Task<string> WaitForLogAsync(string dataDir, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var text = "";
        while (DateTime.UtcNow < deadline)
        {
            text = string.Concat(Directory.Exists(Path.Combine(dataDir, "logs"))
                ? Directory.GetFiles(Path.Combine(dataDir, "logs"), "mailhost-*.log").Select(Read)
                : []);
            if (text.Contains(expected, StringComparison.Ordinal))
            {
                return text;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"'{expected}' never appeared in {dataDir}/logs: {text}");
        return text;
    }

    // Serilog keeps the file open for writing.
    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
