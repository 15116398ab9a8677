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
/// INBOX. The message list is fixed at login; DELE only marks, the deletions happen at QUIT.
/// </summary>
internal sealed class Pop3Session : IAsyncDisposable
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

    private async Task CapaAsync(CancellationToken ct)
    {
        var lines = new List<string> { "+OK Capability list follows", "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION MailHost" };
        if (_account is null)
        {
            if (LoginAllowed)
            {
                lines.Add("USER");
                lines.Add("SASL PLAIN");
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
            await SendAsync(LoginAllowed ? "+OK\r\nPLAIN\r\n." : "+OK\r\n.", ct);
            return true;
        }
        if (!parts[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            await SendAsync("-ERR Unsupported mechanism", ct);
            return true;
        }
        if (!await CheckLoginAllowedAsync(ct))
        {
            return true;
        }
        var initial = parts.Length > 1 ? parts[1] : null;
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
        var result = await _verifier.VerifyAsync(user, password, ListenerProtocol.Pop3, ct);
        if (!result.Succeeded)
        {
            _log.AuthResult = "failed";
            AuthLog.LoginFailed(_logger, "POP3", user, _conn.RemoteAddress.ToString(), result.Failure.ToString());
            var banned = await _throttle.RecordFailureAsync(_conn.RemoteAddress, "POP3", ct);
            await SendAsync("-ERR [AUTH] Authentication failed", ct);
            return !banned;
        }
        _throttle.RecordSuccess(_conn.RemoteAddress);
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

    private async Task TransactionAsync(string command, string argument, CancellationToken ct)
    {
        switch (command)
        {
            case "STAT":
                var live = Live().ToList();
                await SendAsync($"+OK {live.Count} {live.Sum(m => m.Message.Size)}", ct);
                break;
            case "LIST" or "UIDL":
                var uidl = command == "UIDL";
                if (argument.Length > 0)
                {
                    if (Find(argument) is { } one)
                    {
                        await SendAsync($"+OK {one.Number} {(uidl ? UniqueId(one.Message) : one.Message.Size)}", ct);
                    }
                    else
                    {
                        await SendAsync("-ERR No such message", ct);
                    }
                    break;
                }
                var sb = new StringBuilder("+OK\r\n");
                foreach (var (number, message) in Live())
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{number} {(uidl ? UniqueId(message) : message.Size)}\r\n");
                }
                await SendAsync(sb.Append('.').ToString(), ct);
                break;
            case "RETR" or "TOP":
                await RetrieveAsync(command, argument, ct);
                break;
            case "DELE":
                if (Find(argument) is { } victim)
                {
                    _deleted.Add(victim.Number);
                    await SendAsync($"+OK Message {victim.Number} deleted", ct);
                }
                else
                {
                    await SendAsync("-ERR No such message", ct);
                }
                break;
            case "RSET":
                _deleted.Clear();
                await SendAsync("+OK", ct);
                break;
            case "NOOP":
                await SendAsync("+OK", ct);
                break;
            case "STLS" or "USER" or "PASS" or "AUTH":
                await SendAsync("-ERR Already logged in", ct);
                break;
            default:
                _errors++;
                await SendAsync("-ERR Unknown command", ct);
                break;
        }
    }

    private IEnumerable<(int Number, MessageEntry Message)> Live() =>
        _messages.Select((m, i) => (i + 1, m)).Where(x => !_deleted.Contains(x.Item1));

    private (int Number, MessageEntry Message)? Find(string argument)
    {
        var first = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > _messages.Count || _deleted.Contains(n))
        {
            return null;
        }
        return (n, _messages[n - 1]);
    }

    private string UniqueId(MessageEntry m) => $"{_inbox!.UidValidity}.{m.Uid}";

    private async Task RetrieveAsync(string command, string argument, CancellationToken ct)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var target = Find(argument);
        var lines = -1;
        if (target is null || command == "TOP" && (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out lines)))
        {
            await SendAsync(target is null ? "-ERR No such message" : "-ERR Usage: TOP msg lines", ct);
            return;
        }
        var content = await _store.Files.ReadAsync(target.Value.Message.File, ct);
        var body = DotStuffer.Stuff(content, lines);
        var output = new MemoryStream(body.Length + 64);
        output.Write(Encoding.ASCII.GetBytes($"+OK {content.Length} octets\r\n"));
        output.Write(body);
        output.Write(".\r\n"u8);
        await _conn.Stream.WriteAsync(output.GetBuffer().AsMemory(0, (int)output.Length), ct);
        await _conn.Stream.FlushAsync(ct);
    }

    private async Task<bool> QuitAsync(CancellationToken ct)
    {
        if (_account is not null && _inbox is not null && _deleted.Count > 0)
        {
            // RFC 1939 §6: the UPDATE state; deletions are committed only here.
            var uids = _deleted.Select(n => _messages[n - 1].Uid).ToList();
            await _store.RemoveAsync(_inbox.Id, uids, ct);
            Pop3Log.Quit(_logger, _account.Address, uids.Count);
        }
        await SendAsync($"+OK {_conn.Snapshot.Server.Hostname} POP3 signing off", ct);
        return false;
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
