using System.Net;
using MailHost.Shared.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// SurgeMail's g_admin_ip: the console answers only addresses in <c>MailHost:AdminAllowedFrom</c>
/// (comma-separated CIDR ranges or single addresses), before any login. Empty or absent allows every
/// address, so a fresh install is reachable; the console listens on 127.0.0.1 unless configured otherwise.
/// </summary>
public sealed class AdminAccessFilter
{
    public const string ConfigKey = "MailHost:AdminAllowedFrom";
    private readonly AddressRange[] _allowed;

    public AdminAccessFilter(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[ConfigKey] ?? "";
        var ranges = new List<AddressRange>();
        foreach (var item in text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!AddressRange.TryParse(item, "", out var range, out var error))
            {
                throw new InvalidOperationException($"{ConfigKey}: {error}");
            }
            ranges.Add(range);
        }
        _allowed = [.. ranges];
    }

    public bool IsAllowed(IPAddress? address)
    {
        if (_allowed.Length == 0)
        {
            return true;
        }
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return _allowed.Any(r => r.Contains(address));
    }

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!IsAllowed(context.Connection.RemoteIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("The admin console is not available from this address.", context.RequestAborted);
            return;
        }
        await next();
    }
}
