using MailHost.Server.Logging;
using MailHost.Server.Policy;
using MailHost.Server.Queue;

namespace MailHost.Server.Smtp;

/// <summary>MAIL and RCPT: envelope syntax, ESMTP parameters, and the recipient policy.</summary>
internal sealed partial class SmtpSession
{
    private MailboxAddress? _sender;

    private void Mail(string argument)
    {
        // The snapshot for the whole transaction (relay, limits, local domains).
        var snapshot = _connection.CurrentSnapshot;
        if (_connection.Listener.Protocol == ListenerProtocol.Submission && _authUser is null)
        {
            // RFC 6409 §4.3: submission requires authentication for any mail.
            Reply(SmtpReplies.AuthRequired);
            return;
        }
        if (_services.Disk.BelowReserve)
        {
            Reply(SmtpReplies.InsufficientStorage);
            return;
        }
        if (!SmtpPathArgument.TryParse(argument, "FROM", out var parsed))
        {
            Reply(new SmtpReply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"));
            return;
        }
        var parameters = parsed!.Parameters;
        var smtpUtf8 = parameters.Any(p => p.Key == "SMTPUTF8");
        if (!SmtpPathParser.TryParse(parsed.Path, allowUtf8: true, out var sender, out _))
        {
            Reply(SmtpReplies.BadSenderSyntax);
            return;
        }
        if (sender is { IsAscii: false } && !smtpUtf8)
        {
            Reply(SmtpReplies.NeedSmtpUtf8);
            return;
        }
        if (_authUser is not null && sender is not null && snapshot.Server.RejectSenderLoginMismatch && !SenderLogin.Owns(snapshot, _authUser, sender.ToString()))
        {
            // Postfix's reject_sender_login_mismatch: a logged-in user sends only as itself or an alias it receives.
            Reply(SmtpReplies.SenderNotOwned(_authUser));
            return;
        }
        var transaction = new SmtpTransaction(snapshot, sender?.ToString() ?? "") { SmtpUtf8 = smtpUtf8 };
        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "SIZE" when long.TryParse(value, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var size):
                    // RFC 1870 §6.1: refuse early when the declared size is over the limit.
                    if (size > snapshot.Server.MaxMessageSize)
                    {
                        Reply(SmtpReplies.MessageTooBig);
                        return;
                    }
                    transaction.DeclaredSize = size;
                    break;
                case "BODY" when value?.ToUpperInvariant() is "7BIT" or "8BITMIME":
                    transaction.Body = value.ToUpperInvariant();
                    break;
                case "SMTPUTF8" when value is null:
                    break;
                case "REQUIRETLS" when value is null:
                    if (!_connection.IsSecure)
                    {
                        Reply(SmtpReplies.RequireTlsNeedsTls);
                        return;
                    }
                    transaction.RequireTls = true;
                    break;
                case "RET" when value?.ToUpperInvariant() is "FULL" or "HDRS":
                    transaction.DsnRet = value.ToUpperInvariant();
                    break;
                case "ENVID" when value is { Length: > 0 and <= 100 } && XText.IsValid(value):
                    transaction.DsnEnvelopeId = value;
                    break;
                case "AUTH" when value is not null:
                    // RFC 4954 §5: accepted and not trusted; we record the authenticated user ourselves.
                    break;
                default:
                    Reply(SmtpReplies.UnknownParameter);
                    return;
            }
        }
        _sender = sender;
        _transaction = transaction;
        _commandsWithoutMail = 0;
        Reply(SmtpReplies.SenderOk);
    }

    private async Task RcptAsync(string argument, CancellationToken cancellationToken)
    {
        var transaction = _transaction!;
        transaction.RcptAttempted = true;
        if (!SmtpPathArgument.TryParse(argument, "TO", out var parsed))
        {
            Reply(new SmtpReply(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]"));
            return;
        }
        if (!SmtpPathParser.TryParse(parsed!.Path, allowUtf8: true, out var recipient, out _) || recipient is null)
        {
            RefuseRecipient(parsed.Path, SmtpReplies.BadRecipientSyntax, "bad address syntax");
            return;
        }
        if (!recipient.IsAscii && !transaction.SmtpUtf8)
        {
            RefuseRecipient(parsed.Path, SmtpReplies.NeedSmtpUtf8, "non-ASCII without SMTPUTF8");
            return;
        }
        string? notify = null;
        string? originalRecipient = null;
        foreach (var (key, value) in parsed.Parameters)
        {
            switch (key)
            {
                case "NOTIFY" when value is not null && IsValidNotify(value):
                    notify = value.ToUpperInvariant();
                    break;
                case "ORCPT" when value is { Length: > 0 and <= 500 } && value.Contains(';', StringComparison.Ordinal) && XText.IsValid(value):
                    originalRecipient = value;
                    break;
                default:
                    Reply(SmtpReplies.UnknownParameter);
                    return;
            }
        }
        // RFC 5321 §4.5.3.1.8: at least 100 recipients must be accepted; beyond the limit, 452 (the client retries later).
        if (transaction.AcceptedRcptCommands >= transaction.Snapshot.Server.MaxRecipients)
        {
            Reply(SmtpReplies.TooManyRecipients);
            return;
        }
        var policy = CurrentPolicy(transaction.Snapshot);
        var decision = RecipientDecision.Decide(transaction.Snapshot, policy, _authUser is not null, _connection.IsSecure, _sender, recipient);
        if (!decision.Accepted)
        {
            RefuseRecipient(recipient.ToString(), decision.Refusal!.Value, decision.Reason);
            return;
        }
        // Every refusal local delivery would make later is made here instead (no bounce to a possibly forged sender).
        // A disabled account takes no mail; through an alias its share is dropped, alone it is refused.
        var targets = decision.Targets.Where(t => !t.IsLocal || !transaction.Snapshot.Accounts.TryGetValue(t.Address, out var a) || a.Enabled).ToList();
        if (targets.Count == 0)
        {
            RefuseRecipient(recipient.ToString(), SmtpReplies.MailboxDisabled, "mailbox disabled");
            return;
        }
        foreach (var target in targets.Where(t => t.IsLocal))
        {
            if (await _services.Store.WouldExceedQuotaAsync(target.Address, transaction.DeclaredSize ?? 0, cancellationToken))
            {
                RefuseRecipient(recipient.ToString(), SmtpReplies.MailboxFull, "mailbox over quota");
                return;
            }
        }
        var now = _services.Time.GetUtcNow().UtcDateTime;
        foreach (var target in targets)
        {
            transaction.Decisions[target.Address] = recipient.ToString() == target.Address ? decision.Reason : $"{decision.Reason} (via {recipient})";
            transaction.AddRecipient(new QueuedRecipient
            {
                Address = target.Address,
                OriginalRecipient = originalRecipient ?? (string.Equals(target.Address, recipient.ToString(), StringComparison.OrdinalIgnoreCase) ? null : recipient.ToString()),
                Notify = notify,
                IsLocal = target.IsLocal,
                State = RecipientState.Pending,
                NextAttemptUtc = now,
            });
        }
        transaction.AcceptedRcptCommands++;
        transaction.GivenRecipients.Add(recipient.ToString());
        Reply(SmtpReplies.RecipientOk);
    }

    private void RefuseRecipient(string recipient, SmtpReply reply, string reason)
    {
        SmtpLog.RecipientRefused(_services.Logger, _connection.RemoteEndPoint.ToString(), recipient, reason);
        _services.Activity.Add(new DeliveryLogEntry
        {
            TimeUtc = _services.Time.GetUtcNow().UtcDateTime,
            Sender = _transaction?.Sender ?? "",
            Recipient = recipient,
            Result = "refused",
            Reason = $"{reply.Code} {reply.Enhanced} {reply.Text}",
            AuthUser = _authUser ?? "",
            Detail = $"{reason}; listener {_connection.Listener.Name}; IP range {CurrentPolicy(_connection.CurrentSnapshot).Range?.Name ?? "(none)"}",
            RemoteHost = _connection.RemoteAddress.ToString(),
            TlsVersion = _connection.Tls?.VersionName ?? "",
            Cipher = _connection.Tls?.Cipher ?? "",
        });
        Reply(reply);
    }

    /// <summary>NOTIFY=NEVER or a list of SUCCESS, FAILURE, DELAY (RFC 3461 §4.1).</summary>
    private static bool IsValidNotify(string value)
    {
        var items = value.ToUpperInvariant().Split(',');
        return items is ["NEVER"] || items.All(i => i is "SUCCESS" or "FAILURE" or "DELAY") && items.Distinct().Count() == items.Length;
    }
}
