using MailHost.Server.Auth;
using MailHost.Server.Logging;
using MailHost.Server.Protocol;

namespace MailHost.Server.Smtp;

/// <summary>AUTH (RFC 4954) with PLAIN and LOGIN, policy from the IP range and listener, failures throttled.</summary>
internal sealed partial class SmtpSession
{
    private async Task AuthenticateAsync(string argument, CancellationToken cancellationToken)
    {
        if (_authUser is not null)
        {
            Reply(SmtpReplies.AlreadyAuthenticated);
            return;
        }
        if (_services.Throttle.IsBanned(_connection.RemoteAddress))
        {
            // A connection opened before the ban: no challenge, no more guesses.
            _authResult = "banned";
            Reply(SmtpReplies.Banned);
            _closing = true;
            return;
        }
        var policy = CurrentPolicy(_connection.CurrentSnapshot);
        if (!policy.MayAuthenticate(_connection.IsSecure))
        {
            // RFC 4954 §6: 538 when only encryption is missing; otherwise AUTH simply is not offered here.
            Reply(policy.AuthNeedsTls(_connection.IsSecure) ? SmtpReplies.AuthNeedsTls : SmtpReplies.AuthNotAvailable);
            return;
        }
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2)
        {
            Reply(SmtpReplies.SyntaxError);
            return;
        }
        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length == 2 ? parts[1] : null;
        string user;
        string password;
        switch (mechanism)
        {
            case SaslPlain.Name:
                {
                    // RFC 4954 §4: "=" is an empty initial response; without one we send an empty challenge.
                    var response = initial ?? await ChallengeAsync("", cancellationToken);
                    if (response is null)
                    {
                        return;
                    }
                    if (!SaslPlain.TryDecodeOwnIdentity(response, out user, out password))
                    {
                        Reply(SmtpReplies.AuthBadEncoding);
                        return;
                    }
                    break;
                }
            case SaslLogin.Name:
                {
                    var userResponse = initial ?? await ChallengeAsync(SaslLogin.UserPrompt, cancellationToken);
                    if (userResponse is null)
                    {
                        return;
                    }
                    if (!SaslLogin.TryDecode(userResponse, out user))
                    {
                        Reply(SmtpReplies.AuthBadEncoding);
                        return;
                    }
                    var passwordResponse = await ChallengeAsync(SaslLogin.PasswordPrompt, cancellationToken);
                    if (passwordResponse is null)
                    {
                        return;
                    }
                    if (!SaslLogin.TryDecode(passwordResponse, out password))
                    {
                        Reply(SmtpReplies.AuthBadEncoding);
                        return;
                    }
                    break;
                }
            case SaslScramSha256.Name:
                await ScramAsync(initial, cancellationToken);
                return;
            default:
                Reply(SmtpReplies.UnknownMechanism);
                return;
        }
        _authMechanism = mechanism;
        using var attempt = await _services.Throttle.BeginAsync(_connection, user, cancellationToken);
        if (!PassesGate(attempt))
        {
            return;
        }
        var result = await _services.Verifier.VerifyAsync(user, password, _connection.Listener.Protocol, cancellationToken);
        await CompleteAuthenticationAsync(attempt, result, user);
    }

    /// <summary>SCRAM-SHA-256 (RFC 7677): two round trips; the server-final message goes out as a 334 the client answers with an empty line.</summary>
    private async Task ScramAsync(string? initial, CancellationToken cancellationToken)
    {
        var snapshot = _connection.CurrentSnapshot;
        var scram = new SaslScramSha256();
        var first = initial ?? await ChallengeAsync("", cancellationToken);
        if (first is null)
        {
            return;
        }
        if (!SaslEncoding.TryDecodeUtf8(first, out var clientFirst) || scram.Start(clientFirst, key => snapshot.Accounts.TryGetValue(key, out var a) ? a.PasswordHash : null) is not { } serverFirst)
        {
            Reply(SmtpReplies.AuthBadEncoding);
            return;
        }
        var final = await ChallengeAsync(ToBase64(serverFirst), cancellationToken);
        if (final is null)
        {
            return;
        }
        if (!SaslEncoding.TryDecodeUtf8(final, out var clientFinal))
        {
            Reply(SmtpReplies.AuthBadEncoding);
            return;
        }
        _authMechanism = SaslScramSha256.Name;
        using var attempt = await _services.Throttle.BeginAsync(_connection, scram.User, cancellationToken);
        if (!PassesGate(attempt))
        {
            return;
        }
        var serverFinal = scram.Finish(clientFinal);
        var result = AuthResult.OfScram(scram, serverFinal, snapshot, _connection.Listener.Protocol);
        if (result.Succeeded)
        {
            var ack = await ChallengeAsync(ToBase64(serverFinal!), cancellationToken);
            if (ack is null)
            {
                return;
            }
        }
        await CompleteAuthenticationAsync(attempt, result, scram.User);
    }

    private static string ToBase64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Every attempt asks the throttle first: a banned address is refused and cut even on a connection opened before the ban.</summary>
    private bool PassesGate(AuthAttempt attempt)
    {
        switch (attempt.Gate)
        {
            case AuthGate.Banned:
                _authResult = "banned";
                Reply(SmtpReplies.Banned);
                _closing = true;
                return false;
            case AuthGate.Busy:
                Reply(SmtpReplies.AuthBusy);
                return false;
            default:
                return true;
        }
    }

    private async Task CompleteAuthenticationAsync(AuthAttempt attempt, AuthResult result, string user)
    {
        var remote = _connection.RemoteAddress;
        if (result.Succeeded)
        {
            attempt.Succeeded();
            _authUser = result.Account!.Address;
            _authResult = "success";
            Reply(SmtpReplies.AuthOk);
            return;
        }
        _authResult = "failure";
        _failedAuthUser = user;
        AuthLog.LoginFailed(_services.Logger, ProtocolName, user, remote.ToString(), result.Failure.ToString());
        var banned = await attempt.FailedAsync(ProtocolName);
        // One reply for every failure: it never tells whether the account exists (RFC 4954 §6, 535 5.7.8).
        // Only a client that proved the password learns that its authorization identity was refused.
        Reply(result.Failure == AuthFailure.AuthorizationDenied ? SmtpReplies.AuthzDenied : SmtpReplies.AuthFailed);
        if (banned)
        {
            Reply(SmtpReplies.Banned);
            _closing = true;
        }
    }

    /// <summary>Sends a 334 challenge and reads the response line; null (with the reply already given) when cancelled or closed.</summary>
    private async Task<string?> ChallengeAsync(string challenge, CancellationToken cancellationToken)
    {
        Reply(new SmtpReply(334, "", challenge));
        await FlushAsync(cancellationToken);
        var (status, line) = await ReadLineAsync();
        switch (status)
        {
            case LineStatus.Closed:
                _closing = true;
                return null;
            case LineStatus.TooLong:
                Reply(SmtpReplies.AuthBadEncoding);
                return null;
        }
        if (line == "*")
        {
            // RFC 4954 §4: the client cancels the exchange.
            Reply(SmtpReplies.AuthCancelled);
            return null;
        }
        return line;
    }
}
