using System.Net;
using System.Text.RegularExpressions;

namespace MailHost.Admin.Web.Tests.Security;

/// <summary>
/// A plain HTTP client of the console (HttpClient with its own cookie jar, no redirects followed):
/// signs in through the real login form (antiforgery token included), and can lend or take a session
/// cookie so a test can replay a copied cookie.
/// </summary>
public sealed partial class ConsoleHttp : IDisposable
{
    public const string CookieName = "MailHost.Admin";
    private readonly HttpClient _http;

    public ConsoleHttp(string baseUrl)
    {
        BaseUri = new Uri(baseUrl.TrimEnd('/') + "/");
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true }) { BaseAddress = BaseUri };
    }

    public Uri BaseUri { get; }
    public CookieContainer Cookies { get; } = new();

    public string? SessionCookie => Cookies.GetCookies(BaseUri)[CookieName]?.Value;

    public void UseSessionCookie(string value) => Cookies.Add(BaseUri, new Cookie(CookieName, value, "/"));

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path.TrimStart('/'));

    /// <summary>Posts a form with the antiforgery token read from <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        var html = await (await GetAsync(formPage)).Content.ReadAsStringAsync();
        var token = TokenField().Match(html);
        if (token.Success)
        {
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        }
        return await _http.PostAsync(action.TrimStart('/'), new FormUrlEncodedContent(fields));
    }

    public async Task<HttpResponseMessage> SignInAsync(string password, string? returnUrl = null)
    {
        var fields = new Dictionary<string, string> { ["username"] = "admin", ["password"] = password };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }
        return await PostFormAsync("/login", "/account/login", fields);
    }

    /// <summary>True when the session cookie opens a protected page: the dashboard renders (with its sign-out button) instead of sending to /login.</summary>
    public async Task<bool> IsSignedInAsync()
    {
        using var response = await GetAsync("/");
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK && body.Contains("id=\"logout-button\"", StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
