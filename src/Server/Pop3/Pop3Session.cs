using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.Hosting;
using MailHost.Server.Imap;
using MailHost.Server.Logging;
using MailHost.Server.Policy;
using MailHost.Server.Protocol;
using MailHost.Server.Storage;

namespace MailHost.Server.Pop3;

/// <summary>
/// One POP3 session (RFC 1939, CAPA RFC 2449, STLS RFC 2595, AUTH PLAIN RFC 5034) on the account's
/// INBOX. The message list is fixed at login; DELE only marks, the deletions happen at QUIT. Partial
/// files: Authorization (CAPA, STLS, USER/PASS, AUTH), Scram, Transaction (STAT…QUIT).
/// </summary>
internal sealed partial class Pop3Session : IAsyncDisposable
{
    private const int MaxLine = 1024;
    private const int MaxErrors = 10;

    private readonly MailConnection _conn;
    private readonly MailStore _store;
    private readonly CredentialVerifier _verifier;
    private readonly AuthThrottle _throttle;
    private readonly ActivityLog _activity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _locked;
    private readonly TlsLogEntry _log;
    private PipeReader _pipe;
    private LineReader _lines;
    private string? _user;
    private AccountSpec? _account;
    private MailboxInfo? _inbox;
    private List<MessageEntry> _messages = [];
    private readonly HashSet<int> _deleted = [];
    private int _errors;

    public Pop3Session(MailConnection connection, MailStore store, CredentialVerifier verifier, AuthThrottle throttle, ActivityLog activity, TimeProvider time, ILogger logger, ConcurrentDictionary<string, byte> locked)
    {
        _conn = connection;
        _store = store;
        _verifier = verifier;
        _throttle = throttle;
        _activity = activity;
        _time = time;
        _logger = logger;
        _locked = locked;
        _pipe = PipeReader.Create(connection.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = new LineReader(_pipe, MaxLine);
        _log = new TlsLogEntry
        {
            TimeUtc = DateTime.UtcNow,
            Listener = connection.Listener.Name,
            RemoteEndpoint = connection.RemoteEndPoint.ToString(),
            Protocol = "POP3",
            TlsVersion = connection.Tls?.VersionName ?? "",
            Cipher = connection.Tls?.Cipher ?? "",
            Sni = connection.Tls?.ServerName ?? "",
        };
    }

    private ConnectionPolicy Policy => ConnectionPolicy.For(_conn.CurrentSnapshot, _conn.Listener, _conn.RemoteAddress, _time.GetUtcNow().UtcDateTime);

    private bool StlsAvailable => !_conn.IsSecure && _conn.Listener.TlsMode is TlsMode.StartTlsOptional or TlsMode.StartTlsRequired;

    private bool LoginAllowed
    {
        get
        {
            var policy = Policy;
            return policy.MayAuthenticate(_conn.IsSecure) && !(_conn.Listener.TlsMode == TlsMode.StartTlsRequired && !_conn.IsSecure);
        }
    }

    private TimeSpan IdleTimeout => _conn.Listener.IdleTimeout > TimeSpan.Zero ? _conn.Listener.IdleTimeout : TimeSpan.FromMinutes(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _conn.Closing);
        var ct = closing.Token;
        switch (ConnectionAdmission.Decide(_conn, Policy, _throttle))
        {
            case Admission.TooManyConnections:
                await SendAsync("-ERR [SYS/TEMP] Too many connections, try again later", ct);
                return;
            case Admission.RangeDenied or Admission.Banned:
                await SendAsync("-ERR Access denied", ct);
                return;
        }
        await SendAsync($"+OK {_conn.Snapshot.Server.Hostname} MailHost POP3 ready", ct);
        while (true)
        {
            LineStatus status;
            string line;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                idle.CancelAfter(IdleTimeout);
                try
                {
                    (status, line) = await _lines.ReadLineAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // RFC 1939 §3: an autologout timer ends the session without entering UPDATE.
                    await SendAsync("-ERR Idle timeout, closing connection", ct);
                    return;
                }
            }
            if (status == LineStatus.Closed)
            {
                return;
            }
            if (status == LineStatus.TooLong)
            {
                await SendAsync("-ERR Command line too long", ct);
                if (++_errors > MaxErrors)
                {
                    return;
                }
                continue;
            }
            if (!await HandleAsync(line, ct) || _errors > MaxErrors)
            {
                return;
            }
        }
    }

    /// <summary>Handles one command; false ends the session.</summary>
    private async Task<bool> HandleAsync(string line, CancellationToken ct)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..];
        try
        {
            if (command == "QUIT")
            {
                return await QuitAsync(ct);
            }
            if (command == "CAPA")
            {
                await CapaAsync(ct);
                return true;
            }
            if (_account is null)
            {
                return await AuthorizationAsync(command, argument, ct);
            }
            await TransactionAsync(command, argument, ct);
            return true;
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or UnauthorizedAccessException)
        {
            Pop3Log.CommandFailed(_logger, command, _conn.Id, ex);
            await SendAsync("-ERR [SYS/TEMP] Internal error", ct);
            return true;
        }
    }

    private async Task SendAsync(string text, CancellationToken ct)
    {
        await _conn.Stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\r\n"), ct);
        await _conn.Stream.FlushAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_account is not null)
        {
            _locked.TryRemove(_account.Address, out _);
        }
        _conn.DescribeTls(_log);
        _activity.Add(_log);
        await TlsClose.ShutdownAsync(_conn.Stream);
        await _pipe.CompleteAsync();
    }
}
