using System.IO.Pipelines;
using MailHost.Server.Auth;
using MailHost.Server.Logging;
using MailHost.Server.Protocol;
using MailHost.Server.Storage;

namespace MailHost.Server.Pop3;

/// <summary>The AUTHORIZATION state (RFC 1939 §4): CAPA, STLS, USER/PASS and AUTH (RFC 5034), every attempt through the brute-force throttle.</summary>
internal sealed partial class Pop3Session
{
    private async Task CapaAsync(CancellationToken ct)
    {
        var lines = new List<string> { "+OK Capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION MailHost" };
        if (_account is null)
        {
            if (LoginAllowed)
            {
                lines.Add("USER");
                lines.Add("SASL PLAIN SCRAM-SHA-256");
            }
            if (StlsAvailable)
            {
                lines.Add("STLS");
            }
        }
        lines.Add(".");
        await SendAsync(string.Join("\r\n", lines), ct);
    }

    private async Task<bool> AuthorizationAsync(string command, string argument, CancellationToken ct)
    {
        if (command is "USER" or "PASS" or "AUTH" && _throttle.IsBanned(_conn.RemoteAddress))
        {
            // A connection opened before its address was banned gets no more guesses.
            _log.AuthResult = "banned";
            await SendAsync("-ERR [AUTH] Too many failed logins", ct);
            return false;
        }
        switch (command)
        {
            case "STLS":
                return await StlsAsync(ct);
            case "USER":
                if (!await CheckLoginAllowedAsync(ct))
                {
                    return true;
                }
                _user = argument.Trim();
                await SendAsync(_user.Length == 0 ? "-ERR User name required" : "+OK Send PASS", ct);
                return true;
            case "PASS":
                if (!await CheckLoginAllowedAsync(ct))
                {
                    return true;
                }
                if (_user is null)
                {
                    await SendAsync("-ERR USER first", ct);
                    return true;
                }
                var user = _user;
                _user = null;
                return await LoginAsync("USER", user, argument, ct);
            case "AUTH":
                return await AuthAsync(argument, ct);
            case "NOOP":
            case "STAT" or "LIST" or "RETR" or "DELE" or "RSET" or "TOP" or "UIDL":
                await SendAsync("-ERR Log in first", ct);
                return true;
            default:
                _errors++;
                await SendAsync("-ERR Unknown command", ct);
                return true;
        }
    }

    private async Task<bool> CheckLoginAllowedAsync(CancellationToken ct)
    {
        if (LoginAllowed)
        {
            return true;
        }
        // RFC 2449 §8.1.2 / RFC 3206: [AUTH] for a policy refusal; STLS first where TLS is required.
        await SendAsync(StlsAvailable ? "-ERR [AUTH] Use STLS first" : "-ERR [AUTH] Login not permitted", ct);
        return false;
    }

    private async Task<bool> StlsAsync(CancellationToken ct)
    {
        if (!StlsAvailable)
        {
            await SendAsync("-ERR STLS not available", ct);
            return true;
        }
        if (_lines.HasBufferedData)
        {
            // Commands pipelined behind STLS would be taken as if sent over TLS (RFC 2595 §4).
            _errors++;
            await SendAsync("-ERR STLS must be the last command before the TLS handshake", ct);
            return true;
        }
        await SendAsync("+OK Begin TLS negotiation", ct);
        await _conn.UpgradeToTlsAsync(ct);
        await _pipe.CompleteAsync();
        _pipe = PipeReader.Create(_conn.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = new LineReader(_pipe, MaxLine);
        _user = null;
        _log.TlsVersion = _conn.Tls?.VersionName ?? "";
        _log.Cipher = _conn.Tls?.Cipher ?? "";
        _log.Sni = _conn.Tls?.ServerName ?? "";
        return true;
    }

    private async Task<bool> AuthAsync(string argument, CancellationToken ct)
    {
        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            // RFC 5034 §4 allows a bare AUTH to list mechanisms.
            await SendAsync(LoginAllowed ? "+OK\r\nPLAIN\r\nSCRAM-SHA-256\r\n." : "+OK\r\n.", ct);
            return true;
        }
        var scram = parts[0].Equals(SaslScramSha256.Name, StringComparison.OrdinalIgnoreCase);
        if (!scram && !parts[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            await SendAsync("-ERR Unsupported mechanism", ct);
            return true;
        }
        if (!await CheckLoginAllowedAsync(ct))
        {
            return true;
        }
        var initial = parts.Length > 1 ? parts[1] : null;
        if (scram)
        {
            return await ScramAsync(initial, ct);
        }
        if (initial is null)
        {
            await SendAsync("+ ", ct);
            var (status, line) = await _lines.ReadLineAsync(ct);
            if (status != LineStatus.Line)
            {
                return status != LineStatus.Closed;
            }
            initial = line;
        }
        if (initial == "*")
        {
            await SendAsync("-ERR Authentication cancelled", ct);
            return true;
        }
        if (!Auth.SaslPlain.TryDecodeOwnIdentity(initial == "=" ? "" : initial, out var user, out var password))
        {
            await SendAsync("-ERR Malformed PLAIN response", ct);
            return true;
        }
        return await LoginAsync("PLAIN", user, password, ct);
    }

    private async Task<bool> LoginAsync(string mechanism, string user, string password, CancellationToken ct)
    {
        _log.AuthMechanism = mechanism;
        _log.AuthUser = user;
        using var attempt = await _throttle.BeginAsync(_conn, user, ct);
        if (await RefusedByGateAsync(attempt, ct) is { } goOn)
        {
            return goOn;
        }
        var result = await _verifier.VerifyAsync(user, password, ListenerProtocol.Pop3, ct);
        return await FinishLoginAsync(attempt, result, user, ct);
    }

    /// <summary>Null when the check may run; otherwise whether the session goes on (a ban ends it).</summary>
    private async Task<bool?> RefusedByGateAsync(AuthAttempt attempt, CancellationToken ct)
    {
        switch (attempt.Gate)
        {
            case AuthGate.Banned:
                // Checked on every attempt: a connection opened before the ban gets no more guesses.
                _log.AuthResult = "banned";
                await SendAsync("-ERR [AUTH] Too many failed logins", ct);
                return false;
            case AuthGate.Busy:
                await SendAsync("-ERR [SYS/TEMP] Temporary authentication failure, try again later", ct);
                return true;
            default:
                return null;
        }
    }

    private async Task<bool> FinishLoginAsync(AuthAttempt attempt, AuthResult result, string user, CancellationToken ct)
    {
        if (!result.Succeeded)
        {
            _log.AuthResult = "failed";
            AuthLog.LoginFailed(_logger, "POP3", user, _conn.RemoteAddress.ToString(), result.Failure.ToString());
            var banned = await attempt.FailedAsync("POP3");
            await SendAsync(result.Failure == AuthFailure.AuthorizationDenied ? "-ERR [AUTH] Not authorized to act as the requested identity" : "-ERR [AUTH] Authentication failed", ct);
            return !banned;
        }
        attempt.Succeeded();
        var account = result.Account!;
        if (!_locked.TryAdd(account.Address, 0))
        {
            _log.AuthResult = "in-use";
            await SendAsync("-ERR [IN-USE] Mailbox is locked by another POP3 session", ct);
            return true;
        }
        _account = account;
        _log.AuthResult = "ok";
        _inbox = await _store.GetMailboxAsync(account.Address, MailStore.Inbox, ct);
        _messages = _inbox is null ? [] : await _store.ListMessagesAsync(_inbox.Id, ct);
        Pop3Log.LoggedIn(_logger, account.Address, _conn.RemoteAddress.ToString());
        await SendAsync($"+OK Logged in, {_messages.Count} messages", ct);
        return true;
    }
}
