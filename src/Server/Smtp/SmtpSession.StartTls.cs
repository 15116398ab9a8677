using System.IO.Pipelines;
using MailHost.Server.Logging;
using MailHost.Server.Protocol;

namespace MailHost.Server.Smtp;

/// <summary>STARTTLS (RFC 3207): refuse or upgrade, drop anything pipelined in plaintext, then forget everything.</summary>
internal sealed partial class SmtpSession
{
    private async Task StartTlsAsync(string argument, CancellationToken cancellationToken)
    {
        if (_connection.IsSecure)
        {
            Reply(SmtpReplies.TlsAlreadyActive);
            return;
        }
        if (Listener.TlsMode is not (TlsMode.StartTlsOptional or TlsMode.StartTlsRequired))
        {
            Reply(SmtpReplies.TlsNotAvailable);
            return;
        }
        if (argument.Length > 0)
        {
            Reply(SmtpReplies.SyntaxError);
            return;
        }
        if (_lines.HasBufferedData && _reader.TryRead(out var pending))
        {
            // CVE-2011-0411 class: bytes sent after STARTTLS in the same plaintext flight are discarded,
            // never executed inside the TLS session.
            SmtpLog.StartTlsInjection(_services.Logger, _connection.RemoteEndPoint.ToString(), pending.Buffer.Length);
            _reader.AdvanceTo(pending.Buffer.End);
        }
        Reply(SmtpReplies.ReadyForTls);
        await FlushAsync(cancellationToken);
        await _reader.CompleteAsync();
        await _connection.UpgradeToTlsAsync(cancellationToken);
        _reader = PipeReader.Create(_connection.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = new LineReader(_reader, MaxLineLength - 1);
        // RFC 3207 §4.2: discard all knowledge from before TLS; the client must EHLO again.
        _helo = null;
        _esmtp = false;
        _authUser = null;
        _sender = null;
        await ResetTransactionAsync();
    }
}
