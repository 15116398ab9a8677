using System.IO.Pipelines;
using MailHost.Server.Logging;
using MailHost.Server.Protocol;

namespace MailHost.Server.Imap;

internal sealed partial class ImapSession
{
    private bool StartTlsAvailable => !_conn.IsSecure && _conn.Listener.TlsMode is TlsMode.StartTlsOptional or TlsMode.StartTlsRequired;

    /// <summary>Login is refused now: before TLS where the range or listener wants TLS, or never permitted here.</summary>
    private bool LoginDisabled
    {
        get
        {
            var policy = Policy;
            return !policy.AuthPermitted || policy.AuthNeedsTls(_conn.IsSecure) || _conn.Listener.TlsMode == TlsMode.StartTlsRequired && !_conn.IsSecure;
        }
    }

    private string Capabilities()
    {
        var caps = new List<string> { "IMAP4rev1", "IMAP4rev2" };
        if (StartTlsAvailable)
        {
            caps.Add("STARTTLS");
        }
        if (_account is null)
        {
            // RFC 9051 §6.2.3: LOGINDISABLED and no AUTH= mechanisms while login is not allowed.
            if (LoginDisabled)
            {
                caps.Add("LOGINDISABLED");
            }
            else
            {
                caps.Add("AUTH=PLAIN");
                caps.Add("AUTH=SCRAM-SHA-256");
            }
            caps.Add("SASL-IR");
        }
        caps.AddRange(["LITERAL+", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "LIST-EXTENDED", "SPECIAL-USE", "ESEARCH", "ID", "BINARY",
            "MULTIAPPEND", "LIST-STATUS", "CREATE-SPECIAL-USE", $"APPENDLIMIT={AppendLimit}", "QUOTA", "QUOTA=RES-STORAGE", "CONDSTORE", .. ExtensionCapabilities]);
        return string.Join(' ', caps);
    }

    private Task CapabilityAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.End();
        _out.Line($"* CAPABILITY {Capabilities()}");
        _out.Line($"{tag} OK CAPABILITY completed");
        return Task.CompletedTask;
    }

    private async Task StartTlsAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.End();
        if (!StartTlsAvailable)
        {
            _out.Line($"{tag} BAD STARTTLS not available");
            return;
        }
        // RFC 9051 §6.2.1 / CVE-2011-0411 class: anything pipelined after STARTTLS would be read as if sent over TLS.
        if (_lines.HasBufferedData)
        {
            _errors++;
            _out.Line($"{tag} BAD STARTTLS must be the last command sent before the TLS handshake");
            return;
        }
        _out.Line($"{tag} OK Begin TLS negotiation now");
        await FlushAsync(ct);
        await _conn.UpgradeToTlsAsync(ct);
        await _pipe.CompleteAsync();
        _pipe = PipeReader.Create(_conn.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = NewLineReader();
        _reader = NewCommandReader();
        _log.TlsVersion = _conn.Tls?.VersionName ?? "";
        _log.Cipher = _conn.Tls?.Cipher ?? "";
        _log.Sni = _conn.Tls?.ServerName ?? "";
    }

    private async Task LoginAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var user = r.AString();
        r.Space();
        var password = r.AString();
        r.End();
        if (RefusedAsBanned(tag))
        {
            return;
        }
        if (LoginDisabled)
        {
            _out.Line($"{tag} NO [PRIVACYREQUIRED] LOGIN is disabled on this connection; use STARTTLS");
            return;
        }
        await CompleteLoginAsync(tag, "LOGIN", user, password, ct);
    }

    private async Task AuthenticateAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var mechanism = r.Atom().ToUpperInvariant();
        string? initial = null;
        if (r.TryChar(' '))
        {
            initial = r.Atom("=");
        }
        r.End();
        if (RefusedAsBanned(tag))
        {
            return;
        }
        if (mechanism is not ("PLAIN" or Auth.SaslScramSha256.Name))
        {
            _out.Line($"{tag} NO Unsupported authentication mechanism");
            return;
        }
        if (LoginDisabled)
        {
            _out.Line($"{tag} NO [PRIVACYREQUIRED] Authentication is disabled on this connection; use STARTTLS");
            return;
        }
        if (mechanism == Auth.SaslScramSha256.Name)
        {
            await ScramAsync(tag, initial, ct);
            return;
        }
        if (initial is null)
        {
            await SendRawAsync("+ \r\n", ct);
            var (status, line) = await _lines.ReadLineAsync(ct);
            if (status != LineStatus.Line)
            {
                _logout = status == LineStatus.Closed;
                _out.Line($"{tag} BAD Authentication exchange failed");
                return;
            }
            initial = line;
        }
        if (initial == "*")
        {
            _out.Line($"{tag} BAD Authentication cancelled");
            return;
        }
        // RFC 4959: "=" is an empty initial response.
        if (!Auth.SaslPlain.TryDecodeOwnIdentity(initial == "=" ? "" : initial, out var user, out var password))
        {
            _out.Line($"{tag} BAD Malformed PLAIN response");
            return;
        }
        await CompleteLoginAsync(tag, "PLAIN", user, password, ct);
    }

    private async Task CompleteLoginAsync(string tag, string mechanism, string user, string password, CancellationToken ct)
    {
        _log.AuthMechanism = mechanism;
        _log.AuthUser = user;
        using var attempt = await _throttle.BeginAsync(_conn, user, ct);
        if (!PassesGate(tag, attempt))
        {
            return;
        }
        var result = await _verifier.VerifyAsync(user, password, ListenerProtocol.Imap, ct);
        await FinishLoginAsync(tag, attempt, result, user);
    }

    /// <summary>A connection opened before its address was banned gets no challenge and no more guesses.</summary>
    private bool RefusedAsBanned(string tag)
    {
        if (!_throttle.IsBanned(_conn.RemoteAddress))
        {
            return false;
        }
        _log.AuthResult = "banned";
        _out.Line("* BYE Too many failed logins from your address");
        _out.Line($"{tag} NO [UNAVAILABLE] Too many failed logins from your address, try again later");
        _logout = true;
        return true;
    }

    /// <summary>Every attempt asks the throttle first: a banned address is refused and cut even on a connection opened before the ban.</summary>
    private bool PassesGate(string tag, Auth.AuthAttempt attempt)
    {
        switch (attempt.Gate)
        {
            case Auth.AuthGate.Banned:
                _log.AuthResult = "banned";
                _out.Line("* BYE Too many failed logins from your address");
                _out.Line($"{tag} NO [UNAVAILABLE] Too many failed logins from your address, try again later");
                _logout = true;
                return false;
            case Auth.AuthGate.Busy:
                _out.Line($"{tag} NO [UNAVAILABLE] Temporary authentication failure, try again later");
                return false;
            default:
                return true;
        }
    }

    private async Task FinishLoginAsync(string tag, Auth.AuthAttempt attempt, Auth.AuthResult result, string user)
    {
        if (!result.Succeeded)
        {
            _log.AuthResult = "failed";
            AuthLog.LoginFailed(_logger, "IMAP", user, _conn.RemoteAddress.ToString(), result.Failure.ToString());
            var banned = await attempt.FailedAsync("IMAP");
            // RFC 5530: AUTHORIZATIONFAILED only for a client that proved its password but asked to act as someone else.
            _out.Line(result.Failure == Auth.AuthFailure.AuthorizationDenied
                ? $"{tag} NO [AUTHORIZATIONFAILED] Not authorized to act as the requested identity"
                : $"{tag} NO [AUTHENTICATIONFAILED] Authentication failed");
            if (banned)
            {
                _out.Line("* BYE Too many failed logins");
                _logout = true;
            }
            return;
        }
        attempt.Succeeded();
        _account = result.Account;
        // Authenticated: the full command and literal limits apply from the next command on.
        _lines = NewLineReader();
        _reader = NewCommandReader();
        _log.AuthResult = "ok";
        ImapLog.LoggedIn(_logger, result.Account!.Address, _conn.RemoteAddress.ToString());
        _out.Line($"{tag} OK [CAPABILITY {Capabilities()}] Logged in");
    }

    private Task EnableAsync(string tag, ImapReader r)
    {
        var enabled = new List<string>();
        while (r.TryChar(' '))
        {
            var cap = r.Atom().ToUpperInvariant();
            if (cap == "CONDSTORE")
            {
                _condStore = true;
                enabled.Add("CONDSTORE");
            }
            else if (cap == "QRESYNC")
            {
                EnableQresync();
                enabled.Add("QRESYNC");
            }
            else if (cap == "IMAP4REV2")
            {
                _rev2 = true;
                _out.Utf8 = true;
                enabled.Add("IMAP4rev2");
            }
        }
        r.End();
        _out.Line("* ENABLED" + string.Concat(enabled.Select(e => " " + e)));
        _out.Line($"{tag} OK ENABLE completed");
        return Task.CompletedTask;
    }
}
