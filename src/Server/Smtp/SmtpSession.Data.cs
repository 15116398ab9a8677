using System.Buffers;
using MailHost.Server.Logging;
using MailHost.Server.Protocol;
using MailHost.Server.Queue;
using MailHost.Server.Storage;

namespace MailHost.Server.Smtp;

/// <summary>DATA and BDAT: receive the message into the spool, then accept it durably or refuse it.</summary>
internal sealed partial class SmtpSession
{
    private async Task DataAsync(string argument, CancellationToken cancellationToken)
    {
        var transaction = _transaction!;
        if (argument.Length > 0)
        {
            Reply(SmtpReplies.SyntaxError);
            return;
        }
        if (transaction.Chunks is not null)
        {
            Reply(SmtpReplies.DataAfterBdat);
            return;
        }
        if (transaction.Recipients.Count == 0)
        {
            // RFC 5321 §3.3: 554 when every RCPT was refused, 503 when none was given.
            Reply(transaction.RcptAttempted ? SmtpReplies.NoValidRecipients : SmtpReplies.NeedRcpt);
            return;
        }
        // The spool file is opened before 354, so a full or broken disk is a clean 452/451, not a dropped session.
        if (_services.Disk.BelowReserve)
        {
            Reply(SmtpReplies.InsufficientStorage);
            return;
        }
        if (TryOpenWriter(transaction) is not { } opened)
        {
            Reply(SmtpReplies.LocalError);
            return;
        }
        await using var writer = opened;
        Reply(SmtpReplies.StartData);
        await FlushAsync(cancellationToken);

        var receiver = new DataReceiver();
        var staging = new ArrayBufferWriter<byte>(16 * 1024);
        // RFC 5321 §4.5.3.2.6: the whole message gets 10 minutes, so a client trickling a byte at a time cannot hold the session for ever.
        var deadline = _services.Time.GetUtcNow() + DataTermination;
        while (true)
        {
            if (await ReadRawAsync(deadline) is not { } result)
            {
                return;
            }
            var done = receiver.Feed(result.Buffer, staging, out var consumed);
            await writer.WriteAsync(staging.WrittenMemory, cancellationToken);
            staging.ResetWrittenCount();
            _reader.AdvanceTo(consumed, done ? consumed : result.Buffer.End);
            if (done)
            {
                break;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                // The client went away mid-message: nothing was acknowledged, nothing is kept.
                _closing = true;
                return;
            }
        }
        if (receiver.SawBareLineEnding)
        {
            // RFC 5321 §2.3.8 / §4.1.1.4: only CRLF is a line ending; refusing the whole transmission
            // (read to its real end) means no smuggled second message can ever come out of it.
            await RefuseMessageAsync(transaction, SmtpReplies.BareLineEnding, "bare CR or LF in DATA", writer.Size);
            return;
        }
        await FinishMessageAsync(transaction, writer, cancellationToken);
    }

    private async Task BdatAsync(string argument, SmtpReply? refusal, CancellationToken cancellationToken)
    {
        var transaction = _transaction;
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // RFC 3030 §2: BDAT <chunk-size> [LAST]
        if (parts.Length is < 1 or > 2 || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase))
        {
            // Without a valid size we cannot know where the chunk ends: the session cannot stay in step.
            Reply(SmtpReplies.SyntaxError);
            _closing = true;
            return;
        }
        var last = parts.Length == 2;
        if (refusal is null && transaction!.Recipients.Count == 0)
        {
            refusal = transaction.RcptAttempted ? SmtpReplies.NoValidRecipients : SmtpReplies.NeedRcpt;
        }
        if (refusal is null && transaction!.Chunks is null)
        {
            transaction.Chunks = TryOpenWriter(transaction);
            refusal = transaction.Chunks is null ? SmtpReplies.LocalError : null;
        }
        // The chunk is always read, even when refused, so the next command is read from the right place.
        var remaining = size;
        while (remaining > 0)
        {
            if (await ReadRawAsync() is not { } result)
            {
                return;
            }
            var buffer = result.Buffer;
            var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
            if (refusal is null)
            {
                foreach (var segment in take)
                {
                    await transaction!.Chunks!.WriteAsync(segment, cancellationToken);
                }
            }
            remaining -= take.Length;
            _reader.AdvanceTo(take.End);
            if (remaining > 0 && (result.IsCompleted || result.IsCanceled))
            {
                _closing = true;
                return;
            }
        }
        if (refusal is { } r)
        {
            Reply(r);
            await FlushAsync(cancellationToken);
            return;
        }
        if (!last && SmtpReplies.HeaderLimit(transaction!.Chunks!.HeaderLimit) is { } headerRefusal)
        {
            // RFC 3030 §2: after an error reply to a chunk the client sends no further chunks of this message.
            await RefuseMessageAsync(transaction, headerRefusal, "header over the header limits", transaction.Chunks.Size);
            return;
        }
        if (!last)
        {
            Reply(new SmtpReply(250, "2.0.0", $"{size.ToString(CultureInfo.InvariantCulture)} octets received"));
            await FlushAsync(cancellationToken);
            return;
        }
        await using var writer = transaction!.Chunks!;
        await FinishMessageAsync(transaction, writer, cancellationToken);
    }

    private MessageWriter? TryOpenWriter(SmtpTransaction transaction)
    {
        try
        {
            return OpenWriter(transaction);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SmtpLog.SpoolFailed(_services.Logger, "(new)", ex);
            return null;
        }
    }

    private MessageWriter OpenWriter(SmtpTransaction transaction)
    {
        var id = MessageSpool.NewId();
        var snapshot = transaction.Snapshot;
        var received = ReceivedHeader.Build(new ReceivedHeader.Facts(
            _helo ?? "", _connection.RemoteAddress.ToString(), snapshot.Server.Hostname, id, _esmtp, _connection.Tls,
            _authUser, snapshot.Server.ReceivedHeaderShowsAuthUser,
            transaction.GivenRecipients.Count == 1 ? transaction.GivenRecipients[0] : null, _services.Time.GetLocalNow()));
        return new MessageWriter(_services.Spool, id, received, snapshot.Server.MaxMessageSize, HeaderLimitScanner.For(snapshot.Server));
    }

    /// <summary>Size check, Message-ID for submission, fsync, enqueue, then (and only then) 250.</summary>
    private async Task FinishMessageAsync(SmtpTransaction transaction, MessageWriter writer, CancellationToken cancellationToken)
    {
        if (writer.TooBig)
        {
            await RefuseMessageAsync(transaction, SmtpReplies.MessageTooBig, "message over the size limit", writer.Size);
            return;
        }
        if (SmtpReplies.HeaderLimit(writer.HeaderLimit) is { } headerRefusal)
        {
            await RefuseMessageAsync(transaction, headerRefusal, "header over the header limits", writer.Size);
            return;
        }
        if (transaction.Recipients.Count > 0 && await AllRecipientsOverQuotaAsync(transaction, writer.Size, cancellationToken))
        {
            // The size is known only now; a mix of full and other mailboxes is accepted and the full ones bounce (headers only).
            await RefuseMessageAsync(transaction, SmtpReplies.MailboxFullForMessage, "every recipient's mailbox over quota", writer.Size);
            return;
        }
        if (_authUser is not null && transaction.Snapshot.Server.RejectSenderLoginMismatch && !SenderLogin.OwnsFromHeaders(transaction.Snapshot, _authUser, writer.FromHeaders))
        {
            await RefuseMessageAsync(transaction, SmtpReplies.FromHeaderNotOwned(_authUser), "From: header not owned by the authenticated user", writer.Size);
            return;
        }
        if (writer.WriteError is { } writeError)
        {
            SmtpLog.SpoolFailed(_services.Logger, writer.Id, writeError);
            await RefuseMessageAsync(transaction, SpoolFailure(writeError), "spool write failed", writer.Size);
            return;
        }
        if (await CheckSenderAuthenticationAsync(transaction, writer, cancellationToken) is { } authRefusal)
        {
            // The spool id and Message-ID tie the refusal to its recorded verdict (delivery log, trace page).
            await RefuseMessageAsync(transaction, authRefusal, "sender authentication (SPF/DKIM/DMARC)", writer.Size, writer.Id, writer.MessageIdHeader ?? "");
            return;
        }
        try
        {
            var messageId = writer.MessageIdHeader;
            if (messageId is null && _authUser is not null && _connection.Listener.Protocol == ListenerProtocol.Submission)
            {
                messageId = await writer.AddMessageIdAsync(transaction.Snapshot.Server.Hostname, cancellationToken);
            }
            var envelope = new QueuedMessage
            {
                Id = writer.Id,
                CreatedUtc = _services.Time.GetUtcNow().UtcDateTime,
                Sender = transaction.Sender,
                Recipients = transaction.Recipients,
                MessageIdHeader = messageId ?? "",
                HeloName = _helo ?? "",
                RemoteAddress = _connection.RemoteAddress.ToString(),
                AuthenticatedUser = _authUser,
                TlsVersion = _connection.Tls?.VersionName,
                Body = transaction.Body,
                SmtpUtf8 = transaction.SmtpUtf8,
                RequireTls = transaction.RequireTls,
                DsnRet = transaction.DsnRet,
                DsnEnvelopeId = transaction.DsnEnvelopeId,
                Mailbox = transaction.Mailbox,
            };
            await writer.CommitAsync(envelope, cancellationToken);
            foreach (var recipient in transaction.Recipients)
            {
                LogDelivery(transaction, recipient.Address, writer.Id, envelope.MessageIdHeader, envelope.Size, "accepted", $"250 2.0.0 queued as {writer.Id}", transaction.Decisions.GetValueOrDefault(recipient.Address, recipient.IsLocal ? "local" : "relay"));
            }
            SmtpLog.Accepted(_services.Logger, writer.Id, transaction.Sender, transaction.Recipients.Count, envelope.Size, _connection.RemoteEndPoint.ToString());
            _transaction = null;
            Reply(new SmtpReply(250, "2.0.0", $"Ok: queued as {writer.Id}"));
        }
        catch (IOException ex)
        {
            SmtpLog.SpoolFailed(_services.Logger, writer.Id, ex);
            _transaction = null;
            Reply(SpoolFailure(ex));
        }
        await FlushAsync(cancellationToken);
    }

    private async Task<bool> AllRecipientsOverQuotaAsync(SmtpTransaction transaction, long size, CancellationToken cancellationToken)
    {
        foreach (var recipient in transaction.Recipients)
        {
            if (!recipient.IsLocal || !await _services.Store.WouldExceedQuotaAsync(recipient.Address, size, cancellationToken))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>RFC 3463 §3.4: X.3.1 "mail system full", never a 250 the disk cannot keep.</summary>
    private SmtpReply SpoolFailure(Exception ex)
    {
        _services.Disk.Invalidate();
        return DiskSpaceGuard.IsOutOfSpace(ex) ? SmtpReplies.InsufficientStorage : SmtpReplies.LocalError;
    }

    private async Task RefuseMessageAsync(SmtpTransaction transaction, SmtpReply reply, string reason, long size, string queueId = "", string messageId = "")
    {
        foreach (var recipient in transaction.Recipients)
        {
            LogDelivery(transaction, recipient.Address, queueId, messageId, size, "refused", $"{reply.Code} {reply.Enhanced} {reply.Text}", reason);
        }
        SmtpLog.MessageRefused(_services.Logger, _connection.RemoteEndPoint.ToString(), reason);
        if (transaction.Chunks is { } chunks)
        {
            await chunks.DisposeAsync();
        }
        _transaction = null;
        Reply(reply);
        await FlushAsync(CancellationToken.None);
    }

    /// <summary>An intake row: the queue id and Message-ID tie it to the delivery rows; client, TLS, AUTH and the policy decision are the trace's intake facts.</summary>
    private void LogDelivery(SmtpTransaction transaction, string recipient, string queueId, string messageId, long size, string result, string reason, string decision) =>
        _services.Activity.Add(new DeliveryLogEntry
        {
            TimeUtc = _services.Time.GetUtcNow().UtcDateTime,
            QueueId = queueId,
            MessageId = messageId,
            AuthUser = _authUser ?? "",
            Detail = $"{decision}; listener {_connection.Listener.Name}; IP range {CurrentPolicy(transaction.Snapshot).Range?.Name ?? "(none)"}",
            Sender = transaction.Sender,
            Recipient = recipient,
            Size = size,
            Result = result,
            Reason = reason,
            RemoteHost = _connection.RemoteAddress.ToString(),
            TlsVersion = _connection.Tls?.VersionName ?? "",
            Cipher = _connection.Tls?.Cipher ?? "",
        });
}
