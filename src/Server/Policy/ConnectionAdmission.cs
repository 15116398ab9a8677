using MailHost.Server.Auth;
using MailHost.Server.Hosting;

namespace MailHost.Server.Policy;

/// <summary>Whether a new connection may have a session, and if not why; each protocol says it in its own words.</summary>
public enum Admission
{
    Admitted,
    TooManyConnections,
    RangeDenied,
    Banned,
}

public static class ConnectionAdmission
{
    /// <summary>The same order for SMTP, IMAP and POP3: limits, then the IP range, then the ban list.</summary>
    public static Admission Decide(MailConnection connection, ConnectionPolicy policy, AuthThrottle throttle)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(throttle);
        if (connection.Refusal != ConnectionRefusal.None)
        {
            return Admission.TooManyConnections;
        }
        if (!policy.MayConnect)
        {
            return Admission.RangeDenied;
        }
        return throttle.IsBanned(connection.RemoteAddress) ? Admission.Banned : Admission.Admitted;
    }
}
