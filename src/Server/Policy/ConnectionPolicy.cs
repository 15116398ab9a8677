using System.Net;

namespace MailHost.Server.Policy;

/// <summary>What the IP range of a client allows on a listener, from a snapshot. No range matching means nothing is allowed.</summary>
public sealed record ConnectionPolicy(IpRangeSpec? Range, ListenerSpec Listener)
{
    public static ConnectionPolicy For(MailHostSnapshot snapshot, ListenerSpec listener, IPAddress remote, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.MatchRange(remote, nowUtc), listener);
    }

    public bool MayConnect => Range is not null && Listener.Protocol switch
    {
        ListenerProtocol.Smtp or ListenerProtocol.Submission => Range.AllowSmtp,
        ListenerProtocol.Imap => Range.AllowImap,
        ListenerProtocol.Pop3 => Range.AllowPop3,
        _ => false,
    };

    /// <summary>Authentication is possible at all on this listener from this range (whether or not TLS is up yet).</summary>
    public bool AuthPermitted => Listener.AuthAllowed && Range is { AllowAuth: true };

    /// <summary>Authentication may be offered now: permitted, and the range's TLS requirement is met.</summary>
    public bool MayAuthenticate(bool secure) => AuthPermitted && (secure || !Range!.RequireTlsForAuth);

    /// <summary>Authentication is permitted but waits for TLS (IMAP LOGINDISABLED, SMTP 538 5.7.11).</summary>
    public bool AuthNeedsTls(bool secure) => AuthPermitted && !secure && Range!.RequireTlsForAuth;

    public bool MayRelay => Range is { AllowRelay: true };

    public bool MayDeliverLocallyWithoutAuth => Range is { AllowLocalDeliveryWithoutAuth: true };

    public bool NeverBan => Range is { NeverBan: true };
}
