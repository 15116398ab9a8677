using System.Text;
using MailHost.Server.Logging;
using MailHost.Server.Storage;

namespace MailHost.Server.Pop3;

/// <summary>The TRANSACTION and UPDATE states (RFC 1939 §5–6): STAT, LIST, UIDL, RETR, TOP, DELE, RSET, QUIT.</summary>
internal sealed partial class Pop3Session
{
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
        FileStream file;
        try
        {
            file = new FileStream(_store.Files.FullPath(target.Value.Message.File), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            await SendAsync("-ERR [SYS/TEMP] Message is no longer available", ct);
            return;
        }
        await using (file)
        {
            // Streamed from the file in bounded chunks: a 100 MB message costs 64 KB buffers, not 100 MB.
            await _conn.Stream.WriteAsync(Encoding.ASCII.GetBytes($"+OK {file.Length} octets\r\n"), ct);
            await DotStuffer.StreamAsync(file, _conn.Stream, lines, ct);
            await _conn.Stream.WriteAsync(".\r\n"u8.ToArray(), ct);
            await _conn.Stream.FlushAsync(ct);
        }
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
}
