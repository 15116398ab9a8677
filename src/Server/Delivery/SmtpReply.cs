namespace MailHost.Server.Delivery;

/// <summary>A server reply (RFC 5321 §4.2): three-digit code and its text lines.</summary>
public sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsTransient => Code is >= 400 and < 500;
    public bool IsPermanent => Code >= 500;

    /// <summary>The reply as one line for logs and DSNs: "550 5.1.1 no such user".</summary>
    public override string ToString() => $"{Code} {string.Join(" / ", Lines)}".TrimEnd();

    /// <summary>A reply we make up for conditions without a server reply (timeouts, policy), so results read alike.</summary>
    public static SmtpReply Local(int code, string text) => new(code, [text]);
}
