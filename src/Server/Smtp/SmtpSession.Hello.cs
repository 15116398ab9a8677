using MailHost.Server.Auth;

namespace MailHost.Server.Smtp;

/// <summary>EHLO and HELO: greet, reset the transaction, and advertise what this session may use now.</summary>
internal sealed partial class SmtpSession
{
    private void Hello(string argument, bool extended)
    {
        var name = argument.Trim();
        // RFC 5321 §4.1.1.1: the argument is a domain or an address literal; we record it but do not insist it resolves.
        if (name.Length == 0 || name.Contains(' ', StringComparison.Ordinal) || name.Any(char.IsControl))
        {
            Reply(new SmtpReply(501, "5.5.4", $"Syntax: {(extended ? "EHLO" : "HELO")} hostname"));
            return;
        }
        _helo = name;
        _esmtp = extended;
        _transaction = null;
        var snapshot = _connection.CurrentSnapshot;
        var hostname = snapshot.Server.Hostname;
        if (!extended)
        {
            Reply(new SmtpReply(250, "", hostname));
            return;
        }
        var lines = new List<string>
        {
            $"{hostname} Hello {name} [{_connection.RemoteAddress}]",
            "PIPELINING",
            $"SIZE {snapshot.Server.MaxMessageSize.ToString(CultureInfo.InvariantCulture)}",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            "CHUNKING",
            "DSN",
        };
        var listener = Listener;
        if (!_connection.IsSecure && listener.TlsMode is TlsMode.StartTlsOptional or TlsMode.StartTlsRequired)
        {
            lines.Add("STARTTLS");
        }
        if (_connection.IsSecure)
        {
            // RFC 8689 §4.1: REQUIRETLS is offered only on a TLS-protected session.
            lines.Add("REQUIRETLS");
        }
        var policy = CurrentPolicy(snapshot);
        // RFC 4954 §4 / RFC 3207 §4: AUTH only where the listener and range allow it and TLS is up if the range wants it.
        if (_authUser is null && policy.MayAuthenticate(_connection.IsSecure) && !(listener.TlsMode == TlsMode.StartTlsRequired && !_connection.IsSecure))
        {
            lines.Add($"AUTH {SaslPlain.Name} {SaslLogin.Name} {SaslScramSha256.Name}");
        }
        lines.Add("HELP");
        // RFC 2034 §3: the EHLO reply carries no enhanced codes.
        Reply(new SmtpReply(250, "", string.Join('\n', lines)));
    }
}
