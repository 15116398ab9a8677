using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Smtp;
using Npgsql;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Cluster;

/// <summary>
/// Issue 18 steps 1–3: two MailHost processes on one PostgreSQL share settings (live, through
/// LISTEN/NOTIFY), accounts, console sign-ins (Data Protection keys in the database) and bans.
/// </summary>
[Collection("cluster")]
public sealed partial class TwoNodeTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const string Password = "s3cret-cluster-pass";

    [Fact]
    public async Task SettingChangedThroughNodeACli_AppliesOnNodeB_WithinOneSecond()
    {
        var banner = "cluster-" + Guid.NewGuid().ToString("N")[..10];
        var before = await RevisionAsync();
        var committed = new TaskCompletionSource<long>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // The clock starts when the new revision is visible in PostgreSQL (the commit), not when the CLI exits.
        var watchCommit = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                if (await RevisionAsync() != before)
                {
                    committed.TrySetResult(Stopwatch.GetTimestamp());
                    return;
                }
                await Task.Delay(5);
            }
        });
        var watchB = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                if ((await cluster.GreetingAsync(ClusterFixture.AddressB)).Contains(banner, StringComparison.Ordinal))
                {
                    return Stopwatch.GetTimestamp();
                }
                await Task.Delay(5);
            }
            return 0L;
        });
        var (code, text) = await cluster.CliAsync(null, "server", "set", "--banner", $"{banner} ESMTP");
        Assert.True(code == 0, text);
        var seenOnB = await watchB;
        var commitAt = await committed.Task;
        await watchCommit;
        var latency = Stopwatch.GetElapsedTime(commitAt, seenOnB);
        output.WriteLine($"settings change committed through node A's CLI, in effect on node B after {latency.TotalMilliseconds:0} ms");
        Console.WriteLine($"[cluster] settings propagation A->B: {latency.TotalMilliseconds:0} ms");
        Assert.True(seenOnB > 0, "node B never showed the new banner");
        Assert.True(latency < TimeSpan.FromSeconds(1), $"node B applied the change after {latency.TotalMilliseconds:0} ms");
        Assert.Contains(banner, await cluster.GreetingAsync(ClusterFixture.AddressA));
    }

    [Fact]
    public async Task AccountAddedOnNodeA_LogsInOnNodeB_OverImapAndSmtpAuth()
    {
        var user = $"u{Guid.NewGuid().ToString("N")[..8]}@cluster.test";
        await EnsureDomainAsync();
        var (code, text) = await cluster.CliAsync(Password + "\n", "account", "add", user, "--password-stdin");
        Assert.True(code == 0, text);

        var (imap, imapText) = await ExternalTool.RunAsync("/usr/bin/python3",
            ["-c", ImaplibLogin, ClusterFixture.AddressB.ToString(), cluster.Port(143).ToString(CultureInfo.InvariantCulture), user, Password]);
        Assert.True(imap == 0, imapText);
        Assert.Contains("LOGIN OK", imapText);

        var (smtp, smtpText) = await ExternalTool.RunAsync("swaks",
            ["--server", ClusterFixture.AddressB.ToString(), "--port", cluster.Port(587).ToString(CultureInfo.InvariantCulture), "--tls",
                "--auth", "PLAIN", "--auth-user", user, "--auth-password", Password, "--from", user, "--to", user,
                "--helo", "swaks.cluster.test", "--timeout", "20"]);
        Assert.True(smtp == 0, smtpText);
        Assert.Contains("235", smtpText);

        // And a wrong password is refused there: B checks the shared row, it does not accept anything.
        var (bad, badText) = await ExternalTool.RunAsync("/usr/bin/python3",
            ["-c", ImaplibLogin, ClusterFixture.AddressB.ToString(), cluster.Port(143).ToString(CultureInfo.InvariantCulture), user, "wrong-" + Password]);
        Assert.NotEqual(0, bad);
        Assert.DoesNotContain("LOGIN OK", badText);
    }

    [Fact]
    public async Task ConsoleSignInCookieFromNodeA_WorksOnNodeB()
    {
        var cookie = await SignInOnNodeAAsync();
        using var b = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(cluster.ConsoleB) };
        using var anonymous = await b.GetAsync("/");
        Assert.DoesNotContain("id=\"logout-button\"", await anonymous.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        using var signedIn = await b.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains("id=\"logout-button\"", await signedIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BanMadeOnNodeA_RefusesOnNodeB()
    {
        var user = $"b{Guid.NewGuid().ToString("N")[..8]}@cluster.test";
        await EnsureDomainAsync();
        Assert.Equal(0, (await cluster.CliAsync(Password + "\n", "account", "add", user, "--password-stdin")).ExitCode);
        Assert.Equal(0, (await cluster.CliAsync(null, "server", "set", "--auth-fail-limit", "3")).ExitCode);
        const string attacker = "127.0.0.77";
        for (var i = 0; i < 4; i++)
        {
            await SwaksAsync(ClusterFixture.AddressA, attacker, user, "wrong-password");
        }
        var (code, list) = await cluster.CliAsync(null, "ban", "list");
        Assert.True(code == 0 && list.Contains(attacker, StringComparison.Ordinal), list);

        // Node B never saw a failure from this address: only the shared ban can refuse the right password.
        var refused = false;
        var deadline = Stopwatch.StartNew();
        string lastB = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(5) && !refused)
        {
            (var exit, lastB) = await SwaksAsync(ClusterFixture.AddressB, attacker, user, Password);
            refused = exit != 0 && !lastB.Contains("235 ", StringComparison.Ordinal);
        }
        Assert.True(refused, lastB);
        var (other, otherText) = await SwaksAsync(ClusterFixture.AddressB, "127.0.0.78", user, Password);
        Assert.True(other == 0, otherText);
    }

    [Fact]
    public async Task NodeList_AndTheConsoleNodesPage_ShowBothNodes()
    {
        var (code, list) = await cluster.CliAsync(null, "node", "list");
        Assert.True(code == 0, list);
        Assert.Matches(@"node-a\s+127\.0\.0\.11\s.*\sup\s+7/7", list);
        Assert.Matches(@"node-b\s+127\.0\.0\.12\s.*\sup\s+7/7", list);

        var cookie = await SignInOnNodeAAsync();
        using var b = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(cluster.ConsoleB) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/nodes");
        request.Headers.Add("Cookie", cookie);
        using var page = await b.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-node=\"node-a\"", html);
        Assert.Contains("data-node=\"node-b\"", html);
    }

    private async Task<string> SignInOnNodeAAsync()
    {
        using var a = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(cluster.ConsoleA) };
        var html = await a.GetStringAsync("/login");
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        using var login = await a.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["password"] = ClusterFixture.AdminPassword,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("MailHost.Admin=", StringComparison.Ordinal));
    }

    private Task<(int ExitCode, string Output)> SwaksAsync(IPAddress server, string source, string user, string password) =>
        ExternalTool.RunAsync("swaks",
            ["--server", server.ToString(), "--port", cluster.Port(587).ToString(CultureInfo.InvariantCulture), "--local-interface", source, "--tls",
                "--auth", "PLAIN", "--auth-user", user, "--auth-password", password, "--from", user, "--to", user,
                "--helo", "swaks.cluster.test", "--timeout", "20", "--quit-after", "AUTH"]);

    private async Task EnsureDomainAsync()
    {
        var (_, list) = await cluster.CliAsync(null, "domain", "list");
        if (!list.Contains("cluster.test", StringComparison.Ordinal))
        {
            var (code, text) = await cluster.CliAsync(null, "domain", "add", "cluster.test");
            Assert.True(code == 0 || text.Contains("exists", StringComparison.OrdinalIgnoreCase), text);
        }
    }

    private async Task<long> RevisionAsync()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT \"Revision\" FROM \"ServerSettings\"", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private const string ImaplibLogin = """
        import imaplib, ssl, sys
        c = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]), timeout=20)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        c.starttls(ssl_context=ctx)
        try:
            c.login(sys.argv[3], sys.argv[4])
        except imaplib.IMAP4.error as e:
            print("LOGIN FAILED", e)
            sys.exit(3)
        print("LOGIN OK")
        c.select("INBOX")
        c.logout()
        """;

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
