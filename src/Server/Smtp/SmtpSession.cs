using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Server.Policy;
using MailHost.Server.Protocol;

namespace MailHost.Server.Smtp;

/// <summary>
/// One SMTP session: reads command lines, checks them against the state table, runs the command
/// group (partial files: Hello, Mail, Data, Auth, StartTls) and writes replies. Replies are buffered
/// while pipelined commands are waiting (RFC 2920 §3.2) and flushed before any read that could block.
/// </summary>
internal sealed partial class SmtpSession
{
    // RFC 5321 §4.5.3.1.4: a command line is at most 512 octets incl. CRLF, but we accept up to the
    // text line limit (1000, §4.5.3.1.6) because MAIL/RCPT with ESMTP parameters get long.
    private const int MaxLineLength = 1000;

    private readonly MailConnection _connection;
    private readonly SmtpServices _services;
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly CancellationTokenSource _idle;
    private PipeReader _reader;
    private LineReader _lines;
    private string? _helo;
    private bool _esmtp;
    private string? _authUser;

    // The name a failed AUTH tried: the TLS log shows whom a failure was for (never used as the session's identity).
    private string? _failedAuthUser;
    private string _authMechanism = "";
    private string _authResult = "";
    private SmtpTransaction? _transaction;
    private int _errors;
    private int _commandsWithoutMail;
    private bool _closing;

    public SmtpSession(MailConnection connection, SmtpServices services, CancellationToken cancellationToken)
    {
        _connection = connection;
        _services = services;
        _idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _reader = PipeReader.Create(connection.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = new LineReader(_reader, MaxLineLength - 1);
    }

    private SmtpState State => _helo is null ? SmtpState.Connected : _transaction is null ? SmtpState.Ready : SmtpState.Transaction;

    /// <summary>The listener as configured now (auth and limits may change while a session runs).</summary>
    private ListenerSpec Listener => _connection.CurrentSnapshot.Listeners.FirstOrDefault(l => l.Id == _connection.Listener.Id) ?? _connection.Listener;

    private ConnectionPolicy CurrentPolicy(MailHostSnapshot snapshot) =>
        ConnectionPolicy.For(snapshot, Listener, _connection.RemoteAddress, _services.Time.GetUtcNow().UtcDateTime);

    private string ProtocolName => _connection.Listener.Protocol == ListenerProtocol.Submission ? "Submission" : "SMTP";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await GreetAsync(cancellationToken))
            {
                await LoopAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TrySayAsync(SmtpReplies.ShuttingDown);
        }
        finally
        {
            var tlsRow = new TlsLogEntry
            {
                TimeUtc = _services.Time.GetUtcNow().UtcDateTime,
                Listener = _connection.Listener.Name,
                RemoteEndpoint = _connection.RemoteEndPoint.ToString(),
                Protocol = ProtocolName,
                TlsVersion = _connection.Tls?.VersionName ?? "",
                Cipher = _connection.Tls?.Cipher ?? "",
                Sni = _connection.Tls?.ServerName ?? "",
                AuthMechanism = _authMechanism,
                AuthResult = _authResult,
                AuthUser = _authUser ?? _failedAuthUser ?? "",
            };
            _connection.DescribeTls(tlsRow);
            _services.Activity.Add(tlsRow);
            await _reader.CompleteAsync();
            _idle.Dispose();
        }
    }

    /// <summary>The 220 greeting, or the refusal when a limit, the IP range or a ban says no.</summary>
    private async Task<bool> GreetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _connection.Snapshot;
        SmtpReply? refusal = ConnectionAdmission.Decide(_connection, CurrentPolicy(_connection.CurrentSnapshot), _services.Throttle) switch
        {
            Admission.TooManyConnections => SmtpReplies.TooManyConnections,
            Admission.RangeDenied => SmtpReplies.AccessDenied,
            Admission.Banned => SmtpReplies.Banned,
            _ => null,
        };
        if (refusal is { } r)
        {
            SmtpLog.Refused(_services.Logger, _connection.RemoteEndPoint.ToString(), _connection.Listener.Name, r.ToString());
            Reply(r);
            await FlushAsync(cancellationToken);
            return false;
        }
        // RFC 5321 §4.2: the greeting is "220 domain text"; the banner is the admin's text.
        Reply(new SmtpReply(220, "", snapshot.Server.Banner));
        await FlushAsync(cancellationToken);
        return true;
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!_closing)
        {
            var (status, line) = await ReadLineAsync();
            if (status == LineStatus.Closed)
            {
                return;
            }
            if (status == LineStatus.TooLong)
            {
                // RFC 5321 §4.5.3.1.4 / §4.2.2: 500 5.5.2 for a line that is too long; the session goes on.
                Reply(SmtpReplies.LineTooLong);
            }
            else
            {
                try
                {
                    await DispatchAsync(line, cancellationToken);
                }
                catch (Exception ex) when (ex is not (OperationCanceledException or IOException or ObjectDisposedException or System.Security.Authentication.AuthenticationException))
                {
                    // A bug or a parser surprise answers this one command and never ends the session.
                    SmtpLog.CommandFailed(_services.Logger, _connection.RemoteEndPoint.ToString(), ex);
                    Reply(new SmtpReply(500, "5.5.2", "Command could not be processed"));
                }
            }
            if (_errors > _connection.CurrentSnapshot.Server.MaxErrorsPerSession && !_closing)
            {
                Reply(SmtpReplies.TooManyErrors);
                _closing = true;
            }
            if (_closing || !_lines.HasBufferedData)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    private async Task DispatchAsync(string line, CancellationToken cancellationToken)
    {
        var command = SmtpCommandLine.Parse(line);
        if (_transaction is null && command.Verb != "MAIL" && ++_commandsWithoutMail > _connection.CurrentSnapshot.Server.MaxCommandsBeforeMail)
        {
            Reply(SmtpReplies.TooManyCommands);
            _closing = true;
            return;
        }
        var tlsGate = Listener.TlsMode == TlsMode.StartTlsRequired && !_connection.IsSecure;
        if (SmtpStateTable.Check(command.Verb, State, tlsGate) is { } refusal)
        {
            if (command.Verb == "BDAT")
            {
                // The chunk follows the command whatever we answer: read it past so it is never taken for commands.
                await BdatAsync(command.Argument, refusal, cancellationToken);
                return;
            }
            Reply(refusal);
            return;
        }
        switch (command.Verb)
        {
            case "EHLO":
                await ResetTransactionAsync();
                Hello(command.Argument, extended: true);
                break;
            case "HELO":
                await ResetTransactionAsync();
                Hello(command.Argument, extended: false);
                break;
            case "NOOP":
                Reply(SmtpReplies.Ok);
                break;
            case "RSET":
                await ResetTransactionAsync();
                Reply(SmtpReplies.Ok);
                break;
            case "QUIT":
                Reply(SmtpReplies.Bye);
                _closing = true;
                break;
            case "HELP":
                Reply(SmtpReplies.Help);
                break;
            case "VRFY":
                // RFC 5321 §3.5.3: 252 when we will not say; 502 when the admin turned VRFY off.
                Reply(_connection.CurrentSnapshot.Server.VrfyEnabled ? SmtpReplies.VrfyCannot : SmtpReplies.VrfyDisabled);
                break;
            case "STARTTLS":
                await StartTlsAsync(command.Argument, cancellationToken);
                break;
            case "AUTH":
                await AuthenticateAsync(command.Argument, cancellationToken);
                break;
            case "MAIL":
                Mail(command.Argument);
                break;
            case "RCPT":
                await RcptAsync(command.Argument, cancellationToken);
                break;
            case "DATA":
                await DataAsync(command.Argument, cancellationToken);
                break;
            case "BDAT":
                await BdatAsync(command.Argument, null, cancellationToken);
                break;
        }
    }

    private async Task ResetTransactionAsync()
    {
        if (_transaction?.Chunks is { } chunks)
        {
            await chunks.DisposeAsync();
        }
        _transaction = null;
    }

    private void Reply(SmtpReply reply)
    {
        if (reply.IsError && reply.Code != 421)
        {
            _errors++;
        }
        var text = reply.Format();
        var bytes = Encoding.UTF8.GetBytes(text);
        _output.Write(bytes);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_output.WrittenCount == 0)
        {
            return;
        }
        await _connection.Stream.WriteAsync(_output.WrittenMemory, cancellationToken);
        await _connection.Stream.FlushAsync(cancellationToken);
        _output.ResetWrittenCount();
    }

    /// <summary>Best effort, for goodbyes on a connection that may already be gone.</summary>
    private async Task TrySayAsync(SmtpReply reply)
    {
        try
        {
            Reply(reply);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await FlushAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
        }
    }

    /// <summary>Reads a command line under the listener's idle timeout; on timeout says 421 4.4.2 and reports Closed.</summary>
    private async Task<(LineStatus Status, string Line)> ReadLineAsync()
    {
        try
        {
            _idle.CancelAfter(Listener.IdleTimeout);
            return await _lines.ReadLineAsync(_idle.Token);
        }
        catch (OperationCanceledException) when (!_connection.Closing.IsCancellationRequested && _idle.IsCancellationRequested && !IsShutdown)
        {
            await TrySayAsync(SmtpReplies.IdleTimeout);
            _closing = true;
            return (LineStatus.Closed, "");
        }
    }

    /// <summary>Raw read for DATA and BDAT bodies, under the idle timeout and, for DATA, the whole-message deadline.</summary>
    private static readonly TimeSpan DataTermination = TimeSpan.FromMinutes(10);

    private async Task<ReadResult?> ReadRawAsync(DateTimeOffset? deadline = null)
    {
        try
        {
            var timeout = Listener.IdleTimeout;
            if (deadline is { } d)
            {
                var left = d - _services.Time.GetUtcNow();
                timeout = left < timeout ? (left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : timeout;
            }
            _idle.CancelAfter(timeout);
            return await _reader.ReadAsync(_idle.Token);
        }
        catch (OperationCanceledException) when (_idle.IsCancellationRequested && !IsShutdown)
        {
            await TrySayAsync(SmtpReplies.IdleTimeout);
            _closing = true;
            return null;
        }
    }

    private bool IsShutdown => _connection.Closing.IsCancellationRequested;
}
