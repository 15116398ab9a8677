using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.Protocol;

namespace MailHost.Server.Pop3;

/// <summary>AUTH SCRAM-SHA-256 (RFC 5034 framing, RFC 7677), on the SASL code shared with SMTP and IMAP.</summary>
internal sealed partial class Pop3Session
{
    /// <summary>Runs the exchange; false ends the session.</summary>
    private async Task<bool> ScramAsync(string? initial, CancellationToken ct)
    {
        var snapshot = _conn.CurrentSnapshot;
        var scram = new SaslScramSha256();
        var (goOn, first) = initial is null ? await ScramChallengeAsync("", ct) : (true, initial);
        if (first is null)
        {
            return goOn;
        }
        if (!SaslEncoding.TryDecodeUtf8(first, out var clientFirst) || scram.Start(clientFirst, key => snapshot.Accounts.TryGetValue(key, out var a) ? a.PasswordHash : null) is not { } serverFirst)
        {
            await SendAsync("-ERR Malformed SCRAM-SHA-256 message", ct);
            return true;
        }
        (goOn, var final) = await ScramChallengeAsync(ToBase64(serverFirst), ct);
        if (final is null)
        {
            return goOn;
        }
        if (!SaslEncoding.TryDecodeUtf8(final, out var clientFinal))
        {
            await SendAsync("-ERR Malformed SCRAM-SHA-256 message", ct);
            return true;
        }
        _log.AuthMechanism = SaslScramSha256.Name;
        _log.AuthUser = scram.User;
        using var attempt = await _throttle.BeginAsync(_conn, scram.User, ct);
        if (await RefusedByGateAsync(attempt, ct) is { } refused)
        {
            return refused;
        }
        var serverFinal = scram.Finish(clientFinal);
        var result = AuthResult.OfScram(scram, serverFinal, snapshot, ListenerProtocol.Pop3);
        if (result.Succeeded)
        {
            // RFC 5034 §4: additional data with success goes out as a last challenge, answered empty.
            (goOn, var ack) = await ScramChallengeAsync(ToBase64(serverFinal!), ct);
            if (ack is null)
            {
                return goOn;
            }
        }
        return await FinishLoginAsync(attempt, result, scram.User, ct);
    }

    /// <summary>Sends "+ challenge" and reads the answer; a null answer means cancelled (reply given) or closed (GoOn false).</summary>
    private async Task<(bool GoOn, string? Line)> ScramChallengeAsync(string challenge, CancellationToken ct)
    {
        await SendAsync("+ " + challenge, ct);
        var (status, line) = await _lines.ReadLineAsync(ct);
        if (status == LineStatus.Closed)
        {
            return (false, null);
        }
        if (status != LineStatus.Line || line == "*")
        {
            await SendAsync(status == LineStatus.Line ? "-ERR Authentication cancelled" : "-ERR Response too long", ct);
            return (true, null);
        }
        return (true, line);
    }

    private static string ToBase64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
