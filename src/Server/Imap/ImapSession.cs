using System.IO.Pipelines;
using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Server.Policy;
using MailHost.Server.Protocol;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// One IMAP4rev2/IMAP4rev1 session (RFC 9051, RFC 3501): reads commands, dispatches by state,
/// writes responses, and reports other sessions' changes to the selected mailbox.
/// </summary>
internal sealed partial class ImapSession : IAsyncDisposable
{
    private const int MaxLine = 64 * 1024;

    /// <summary>
    /// Before authentication a command (line plus literals) may hold this much: enough for LOGIN
    /// and AUTHENTICATE, small enough that thousands of unauthenticated connections cannot grow the
    /// process (Dovecot's login process reads pre-login input into a buffer of about 4 KB).
    /// </summary>
    public const int PreAuthMaxCommand = 8 * 1024;
    private const int MaxErrors = 20;

    private readonly MailConnection _conn;
    private readonly MailStore _store;
    private readonly CredentialVerifier _verifier;
    private readonly AuthThrottle _throttle;
    private readonly ActivityLog _activity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RecentClaims _recent;
    private readonly ImapResponse _out = new();
    private readonly TlsLogEntry _log;
    private PipeReader _pipe;
    private LineReader _lines;
    private ImapCommandReader _reader;
    private AccountSpec? _account;
    private SelectedMailbox? _selected;
    private bool _rev2;
    private bool _logout;
    private int _errors;

    public ImapSession(MailConnection connection, MailStore store, CredentialVerifier verifier, AuthThrottle throttle, ActivityLog activity, TimeProvider time, ILogger logger, RecentClaims recent)
    {
        _recent = recent;
        _conn = connection;
        _store = store;
        _verifier = verifier;
        _throttle = throttle;
        _activity = activity;
        _time = time;
        _logger = logger;
        _pipe = PipeReader.Create(connection.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = NewLineReader();
        _reader = NewCommandReader();
        _log = new TlsLogEntry
        {
            TimeUtc = DateTime.UtcNow,
            Listener = connection.Listener.Name,
            RemoteEndpoint = connection.RemoteEndPoint.ToString(),
            Protocol = "IMAP",
            TlsVersion = connection.Tls?.VersionName ?? "",
            Cipher = connection.Tls?.Cipher ?? "",
            Sni = connection.Tls?.ServerName ?? "",
        };
    }

    private LineReader NewLineReader() => new(_pipe, _account is null ? PreAuthMaxCommand : MaxLine);

    private ImapCommandReader NewCommandReader()
    {
        if (_account is null)
        {
            return new ImapCommandReader(_lines, SendRawAsync, PreAuthMaxCommand, PreAuthMaxCommand, skipRefusedLiterals: false);
        }
        var maxLiteral = (int)Math.Min(int.MaxValue - 1024, Math.Max(1_000_000, _conn.CurrentSnapshot.Server.MaxMessageSize));
        var spool = ImapSpool.DirectoryFor(_store.Files.Root);
        return new ImapCommandReader(_lines, SendRawAsync, maxLiteral, maxLiteral + MaxLine, spoolDirectory: spool);
    }

    private ConnectionPolicy Policy => ConnectionPolicy.For(_conn.CurrentSnapshot, _conn.Listener, _conn.RemoteAddress, _time.GetUtcNow().UtcDateTime);

    private TimeSpan IdleTimeout => _conn.Listener.IdleTimeout > TimeSpan.Zero ? _conn.Listener.IdleTimeout : TimeSpan.FromMinutes(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _conn.Closing);
        var ct = closing.Token;
        ChangeOrigin.Current = this; // the store's change events from this flow are this session's own (NOTIFY leaves them out)
        ImapLog.Started(_logger, _conn.Id, _conn.RemoteEndPoint.ToString(), _conn.Listener.Name);
        switch (ConnectionAdmission.Decide(_conn, Policy, _throttle))
        {
            case Admission.TooManyConnections:
                await SendRawAsync("* BYE Too many connections, try again later\r\n", ct);
                return;
            case Admission.RangeDenied or Admission.Banned:
                await SendRawAsync("* BYE Access denied\r\n", ct);
                return;
        }
        await SendRawAsync($"* OK [CAPABILITY {Capabilities()}] {_conn.Snapshot.Server.Hostname} MailHost IMAP4rev2 ready\r\n", ct);
        try
        {
            while (!_logout)
            {
                (CommandReadStatus Status, byte[] Command) read;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    idle.CancelAfter(IdleTimeout);
                    try
                    {
                        read = await ReadCommandAsync(idle.Token, ct);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await SendRawAsync("* BYE Idle timeout, closing connection\r\n", ct);
                        return;
                    }
                }
                switch (read.Status)
                {
                    case CommandReadStatus.Closed:
                        return;
                    case CommandReadStatus.TooLong:
                        await SendRawAsync($"{TagOf(read.Command)} BAD Command line too long\r\n", ct);
                        if (++_errors > MaxErrors)
                        {
                            return;
                        }
                        continue;
                    case CommandReadStatus.LiteralTooLarge:
                        await SendRawAsync($"{TagOf(read.Command)} NO [TOOBIG] Literal too large{(_account is null ? " before authentication" : "")}\r\n", ct);
                        continue;
                    case CommandReadStatus.LiteralTooLargeUnread:
                        await SendRawAsync($"{TagOf(read.Command)} BAD [TOOBIG] Literal too large before authentication\r\n* BYE Closing connection\r\n", ct);
                        return;
                }
                var commandReader = _reader; // LOGIN replaces _reader while the command runs
                try
                {
                    await HandleAsync(new ImapReader(read.Command, commandReader.Spooled), ct);
                }
                finally
                {
                    commandReader.ReleaseSpooled();
                }
                await FlushAsync(ct);
                if (_errors > MaxErrors)
                {
                    await SendRawAsync("* BYE Too many errors\r\n", ct);
                    return;
                }
            }
        }
        finally
        {
            // A read that failed half-way (reset, timeout, TLS error) leaves its spool files open: close them now.
            _reader.ReleaseSpooled();
            ImapLog.Ended(_logger, _conn.Id, _logout ? "logout" : "closed");
        }
    }

    private static string TagOf(byte[] command)
    {
        var text = Encoding.UTF8.GetString(command.AsSpan(0, Math.Min(command.Length, 64)));
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var tag = space > 0 ? text[..space] : "*";
        return tag.All(c => c > ' ' && c < '\x7f' && c is not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or '+')) ? tag : "*";
    }

    private async Task HandleAsync(ImapReader reader, CancellationToken ct)
    {
        string tag = "*";
        string name = "";
        try
        {
            tag = reader.Tag();
            reader.Space();
            name = reader.Atom().ToUpperInvariant();
            var uid = false;
            if (name == "UID")
            {
                reader.Space();
                name = reader.Atom().ToUpperInvariant();
                uid = true;
                if (name is not ("FETCH" or "STORE" or "COPY" or "MOVE" or "SEARCH" or "EXPUNGE" or "SORT" or "THREAD"))
                {
                    throw new ImapParseException("UID needs FETCH, STORE, COPY, MOVE, SEARCH or EXPUNGE");
                }
            }
            if (!Permitted(name, out var why))
            {
                _out.Line($"{tag} {why}");
                return;
            }
            await DispatchAsync(tag, name, uid, reader, ct);
        }
        catch (ImapParseException ex)
        {
            _errors++;
            _out.Line($"{tag} BAD {ex.Message}");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            // A store or data problem fails the command, never the session.
            ImapLog.CommandFailed(_logger, name, _conn.Id, ex);
            _out.Line($"{tag} NO [SERVERBUG] {name} failed");
        }
    }

    /// <summary>State table: which commands each state accepts (RFC 9051 §3), plus the StartTlsRequired rule.</summary>
    private bool Permitted(string name, out string why)
    {
        why = "";
        if (name is "CAPABILITY" or "NOOP" or "LOGOUT" or "ID")
        {
            return true;
        }
        if (_conn.Listener.TlsMode == TlsMode.StartTlsRequired && !_conn.IsSecure && name != "STARTTLS")
        {
            why = "NO [PRIVACYREQUIRED] Use STARTTLS first";
            return false;
        }
        var notAuthenticated = name is "STARTTLS" or "LOGIN" or "AUTHENTICATE";
        var authenticated = name is "ENABLE" or "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE" or "UNSUBSCRIBE"
            or "LIST" or "LSUB" or "NAMESPACE" or "STATUS" or "APPEND" or "IDLE" or "GETQUOTA" or "GETQUOTAROOT" or "SETQUOTA" or "COMPRESS" or "NOTIFY";
        var selected = name is "CLOSE" or "UNSELECT" or "EXPUNGE" or "SEARCH" or "FETCH" or "STORE" or "COPY" or "MOVE" or "CHECK" or "SORT" or "THREAD";
        if (notAuthenticated && _account is not null)
        {
            why = "BAD Already authenticated";
            return false;
        }
        if ((authenticated || selected) && _account is null)
        {
            why = "BAD Log in first";
            return false;
        }
        if (selected && _selected is null)
        {
            why = "BAD Select a mailbox first";
            return false;
        }
        if (!notAuthenticated && !authenticated && !selected)
        {
            why = "BAD Unknown command";
            _errors++;
            return false;
        }
        return true;
    }

    private Task DispatchAsync(string tag, string name, bool uid, ImapReader r, CancellationToken ct) => name switch
    {
        "CAPABILITY" => CapabilityAsync(tag, r, ct),
        "NOOP" or "CHECK" => NoopAsync(tag, name, r, ct),
        "LOGOUT" => LogoutAsync(tag, r),
        "ID" => IdAsync(tag, r),
        "STARTTLS" => StartTlsAsync(tag, r, ct),
        "LOGIN" => LoginAsync(tag, r, ct),
        "AUTHENTICATE" => AuthenticateAsync(tag, r, ct),
        "ENABLE" => EnableAsync(tag, r),
        "SELECT" or "EXAMINE" => SelectAsync(tag, name == "EXAMINE", r, ct),
        "CREATE" => CreateAsync(tag, r, ct),
        "DELETE" => DeleteAsync(tag, r, ct),
        "RENAME" => RenameAsync(tag, r, ct),
        "SUBSCRIBE" or "UNSUBSCRIBE" => SubscribeAsync(tag, name == "SUBSCRIBE", r, ct),
        "LIST" => ListAsync(tag, r, lsub: false, ct),
        "LSUB" => ListAsync(tag, r, lsub: true, ct),
        "NAMESPACE" => NamespaceAsync(tag, r),
        "STATUS" => StatusAsync(tag, r, ct),
        "APPEND" => AppendAsync(tag, r, ct),
        "GETQUOTAROOT" => GetQuotaRootAsync(tag, r, ct),
        "GETQUOTA" => GetQuotaAsync(tag, r, ct),
        "SETQUOTA" => SetQuotaAsync(tag, r),
        "IDLE" => IdleAsync(tag, r, ct),
        "COMPRESS" => CompressAsync(tag, r, ct),
        "NOTIFY" => NotifyAsync(tag, r, ct),
        "CLOSE" => CloseAsync(tag, expunge: true, r, ct),
        "UNSELECT" => CloseAsync(tag, expunge: false, r, ct),
        "EXPUNGE" => ExpungeAsync(tag, uid, r, ct),
        "SEARCH" => SearchAsync(tag, uid, r, ct),
        "SORT" => SortAsync(tag, uid, r, ct),
        "THREAD" => ThreadAsync(tag, uid, r, ct),
        "FETCH" => FetchAsync(tag, uid, r, ct),
        "STORE" => StoreAsync(tag, uid, r, ct),
        "COPY" => CopyAsync(tag, uid, move: false, r, ct),
        "MOVE" => CopyAsync(tag, uid, move: true, r, ct),
        _ => throw new ImapParseException("unknown command"),
    };

    private async Task NoopAsync(string tag, string name, ImapReader r, CancellationToken ct)
    {
        r.End();
        await SyncAsync(allowExpunge: true, ct);
        _out.Line($"{tag} OK {name} completed");
    }

    private Task LogoutAsync(string tag, ImapReader r)
    {
        r.End();
        _out.Line("* BYE Logging out");
        _out.Line($"{tag} OK LOGOUT completed");
        _logout = true;
        return Task.CompletedTask;
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_out.Length == 0)
        {
            return;
        }
        await _conn.Stream.WriteAsync(_out.Written, ct);
        await _conn.Stream.FlushAsync(ct);
        _out.Clear();
    }

    /// <summary>Also the command reader's "+" continuation, which may come while NOTIFY pushes: hence the gate.</summary>
    private async Task SendRawAsync(string text, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await FlushAsync(ct);
            await _conn.Stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
            await _conn.Stream.FlushAsync(ct);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _selected?.Dispose();
        StopNotify();
        _reader.ReleaseSpooled();
        _conn.DescribeTls(_log);
        _activity.Add(_log);
        await TlsClose.ShutdownAsync(_conn.Stream is DeflateDuplexStream deflate ? deflate.Inner : _conn.Stream);
        await _pipe.CompleteAsync();
    }
}
