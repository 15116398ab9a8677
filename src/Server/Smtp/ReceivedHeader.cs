using System.Text;
using MailHost.Server.Hosting;

namespace MailHost.Server.Smtp;

/// <summary>The trace header added at acceptance (RFC 5321 §4.4), with TLS details like Postfix's smtpd_tls_received_header.</summary>
public static class ReceivedHeader
{
    public sealed record Facts(
        string HeloName,
        string RemoteAddress,
        string ServerHostname,
        string QueueId,
        bool Esmtp,
        TlsInfo? Tls,
        string? AuthenticatedUser,
        bool ShowAuthenticatedUser,
        string? SingleRecipient,
        DateTimeOffset Time);

    public static string Build(Facts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        // RFC 3848: ESMTP, ESMTPS (TLS), ESMTPA (AUTH), ESMTPSA (both).
        var with = !facts.Esmtp ? "SMTP" : "ESMTP" + (facts.Tls is null ? "" : "S") + (facts.AuthenticatedUser is null ? "" : "A");
        var sb = new StringBuilder();
        sb.Append("Received: from ").Append(Clean(facts.HeloName.Length > 0 ? facts.HeloName : "unknown"))
          .Append(" ([").Append(facts.RemoteAddress).Append("])\r\n");
        if (facts.Tls is { } tls)
        {
            sb.Append("\t(using ").Append(tls.VersionName).Append(" with cipher ").Append(tls.Cipher).Append(")\r\n");
        }
        if (facts.AuthenticatedUser is { } user && facts.ShowAuthenticatedUser)
        {
            sb.Append("\t(Authenticated sender: ").Append(Clean(user)).Append(")\r\n");
        }
        sb.Append("\tby ").Append(facts.ServerHostname).Append(" (MailHost) with ").Append(with).Append(" id ").Append(facts.QueueId);
        if (facts.SingleRecipient is { } rcpt)
        {
            sb.Append("\r\n\tfor <").Append(Clean(rcpt)).Append('>');
        }
        sb.Append("; ").Append(facts.Time.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture))
          .Append(facts.Time.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal)).Append("\r\n");
        return sb.ToString();
    }

    // Client-supplied text never adds header lines or comments that change the trace's meaning.
    private static string Clean(string value) => new([.. value.Where(c => c > ' ' && c != '(' && c != ')' && c != '\x7f')]);
}
