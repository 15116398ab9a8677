using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.Protocol;

namespace MailHost.Server.Imap;

/// <summary>AUTHENTICATE SCRAM-SHA-256 (RFC 7677 over RFC 9051 §6.2.2), on the SASL code shared with SMTP and POP3.</summary>
internal sealed partial class ImapSession
{
    private async Task ScramAsync(string tag, string? initial, CancellationToken ct)
    {
        var snapshot = _conn.CurrentSnapshot;
        var scram = new SaslScramSha256();
        var first = initial is null ? await ScramChallengeAsync(tag, "", ct) : initial;
        if (first is null)
        {
            return;
        }
        if (!SaslEncoding.TryDecodeUtf8(first, out var clientFirst) || scram.Start(clientFirst, key => snapshot.Accounts.TryGetValue(key, out var a) ? a.PasswordHash : null) is not { } serverFirst)
        {
            _out.Line($"{tag} BAD Malformed SCRAM-SHA-256 message");
            return;
        }
        var final = await ScramChallengeAsync(tag, ToBase64(serverFirst), ct);
        if (final is null)
        {
            return;
        }
        if (!SaslEncoding.TryDecodeUtf8(final, out var clientFinal))
        {
            _out.Line($"{tag} BAD Malformed SCRAM-SHA-256 message");
            return;
        }
        _log.AuthMechanism = SaslScramSha256.Name;
        _log.AuthUser = scram.User;
        using var attempt = await _throttle.BeginAsync(_conn, scram.User, ct);
        if (!PassesGate(tag, attempt))
        {
            return;
        }
        var serverFinal = scram.Finish(clientFinal);
        var result = AuthResult.OfScram(scram, serverFinal, snapshot, ListenerProtocol.Imap);
        if (result.Succeeded && await ScramChallengeAsync(tag, ToBase64(serverFinal!), ct) is null)
        {
            // The client gave up after the server proved itself: no login, no failure counted.
            return;
        }
        await FinishLoginAsync(tag, attempt, result, scram.User);
    }

    /// <summary>Sends "+ challenge" and reads the response; null (with the tagged reply given) when cancelled or closed.</summary>
    private async Task<string?> ScramChallengeAsync(string tag, string challenge, CancellationToken ct)
    {
        await SendRawAsync($"+ {challenge}\r\n", ct);
        var (status, line) = await _lines.ReadLineAsync(ct);
        if (status != LineStatus.Line)
        {
            _logout = status == LineStatus.Closed;
            _out.Line($"{tag} BAD Authentication exchange failed");
            return null;
        }
        if (line == "*")
        {
            _out.Line($"{tag} BAD Authentication cancelled");
            return null;
        }
        return line;
    }

    private static string ToBase64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
