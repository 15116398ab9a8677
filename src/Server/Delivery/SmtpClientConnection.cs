using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailHost.Server.Delivery;

/// <summary>What one mail transaction sends: the envelope with its ESMTP parameters, and the message.</summary>
public sealed record SmtpTransaction(string Sender, string MailParameters, IReadOnlyList<(string Address, string Parameters)> Recipients);

/// <summary>Replies to one transaction: MAIL, one per RCPT, and the end-of-data reply (null when no recipient was accepted).</summary>
public sealed record SmtpTransactionResult(SmtpReply Mail, IReadOnlyList<SmtpReply> Recipients, SmtpReply? Data);

/// <summary>
/// One outbound SMTP connection (RFC 5321 client side): greeting, EHLO, STARTTLS, AUTH, one or more
/// transactions with PIPELINING (RFC 2920) and BDAT (RFC 3030) when offered, QUIT. No policy here:
/// <see cref="SmtpDeliveryAttempt"/> decides what to do with the results.
/// </summary>
public sealed class SmtpClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SmtpClientTimeouts _timeouts;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private SmtpClientConnection(Socket socket, SmtpClientTimeouts timeouts)
    {
        _socket = socket;
        _timeouts = timeouts;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public IPEndPoint RemoteEndPoint => (IPEndPoint)_socket.RemoteEndPoint!;

    /// <summary>EHLO keywords (upper case) with their parameters.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; private set; } = new Dictionary<string, string>();

    public SslStream? Tls => _stream as SslStream;

    public bool Supports(string keyword) => Extensions.ContainsKey(keyword);

    public static async Task<SmtpClientConnection> ConnectAsync(IPEndPoint endPoint, IPAddress? source, SmtpClientTimeouts timeouts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(timeouts);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeouts.Connect);
            try
            {
                await socket.ConnectAsync(endPoint, cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"connect to {endPoint} timed out");
            }
            return new SmtpClientConnection(socket, timeouts);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task<SmtpReply> ReadGreetingAsync(CancellationToken cancellationToken) => ReadReplyAsync(_timeouts.Greeting, cancellationToken);

    /// <summary>EHLO, or HELO when EHLO is refused (RFC 5321 §3.2).</summary>
    public async Task<SmtpReply> HelloAsync(string name, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync($"EHLO {name}", _timeouts.Command, cancellationToken);
        if (reply.IsPositive)
        {
            var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in reply.Lines.Skip(1))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                extensions[space < 0 ? line.ToUpperInvariant() : line[..space].ToUpperInvariant()] = space < 0 ? "" : line[(space + 1)..];
            }
            Extensions = extensions;
            return reply;
        }
        Extensions = new Dictionary<string, string>();
        return await CommandAsync($"HELO {name}", _timeouts.Command, cancellationToken);
    }

    /// <summary>Sends STARTTLS; on 220 runs the handshake (throws on failure). Returns the STARTTLS reply.</summary>
    public async Task<SmtpReply> StartTlsAsync(SslClientAuthenticationOptions options, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("STARTTLS", _timeouts.Command, cancellationToken);
        if (reply.Code != 220)
        {
            return reply;
        }
        if (_end > _start)
        {
            // RFC 3207 §5 (and CVE-2011-0411): nothing may follow the 220 in plaintext.
            throw new IOException("the server sent data after its STARTTLS reply");
        }
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeouts.Command);
        await ssl.AuthenticateAsClientAsync(options, cts.Token);
        _stream = ssl;
        // RFC 3207 §4.2: forget everything learned before TLS.
        Extensions = new Dictionary<string, string>();
        return reply;
    }

    /// <summary>AUTH PLAIN (RFC 4616) when offered, else LOGIN. Credentials never reach a log.</summary>
    public async Task<SmtpReply> AuthenticateAsync(string user, string password, CancellationToken cancellationToken)
    {
        var mechanisms = (Extensions.TryGetValue("AUTH", out var m) ? m : "").ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (mechanisms.Contains("PLAIN"))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            return await CommandAsync($"AUTH PLAIN {token}", _timeouts.Command, cancellationToken);
        }
        if (mechanisms.Contains("LOGIN"))
        {
            var reply = await CommandAsync("AUTH LOGIN", _timeouts.Command, cancellationToken);
            if (reply.Code != 334)
            {
                return reply;
            }
            reply = await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(user)), _timeouts.Command, cancellationToken);
            if (reply.Code != 334)
            {
                return reply;
            }
            return await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), _timeouts.Command, cancellationToken);
        }
        return SmtpReply.Local(530, "5.7.0 the server offers neither AUTH PLAIN nor AUTH LOGIN");
    }

    public async Task<SmtpTransactionResult> SendAsync(SmtpTransaction transaction, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(content);
        var chunking = Supports("CHUNKING");
        var mailLine = $"MAIL FROM:<{transaction.Sender}>{transaction.MailParameters}";
        var rcptLines = transaction.Recipients.Select(r => $"RCPT TO:<{r.Address}>{r.Parameters}").ToList();
        SmtpReply mail;
        var rcpt = new List<SmtpReply>();
        SmtpReply? dataStart = null;
        if (Supports("PIPELINING"))
        {
            // RFC 2920 §3.1: MAIL and RCPTs (and DATA, the last command of the group) go in one write.
            var batch = new StringBuilder().Append(mailLine).Append("\r\n");
            rcptLines.ForEach(l => batch.Append(l).Append("\r\n"));
            if (!chunking)
            {
                batch.Append("DATA\r\n");
            }
            await WriteAsync(batch.ToString(), cancellationToken);
            mail = await ReadReplyAsync(_timeouts.Command, cancellationToken);
            foreach (var _ in rcptLines)
            {
                rcpt.Add(await ReadReplyAsync(_timeouts.Command, cancellationToken));
            }
            if (!chunking)
            {
                dataStart = await ReadReplyAsync(_timeouts.DataInitiation, cancellationToken);
            }
        }
        else
        {
            mail = await CommandAsync(mailLine, _timeouts.Command, cancellationToken);
            if (!mail.IsPositive)
            {
                return new SmtpTransactionResult(mail, [.. rcptLines.Select(_ => mail)], null);
            }
            foreach (var line in rcptLines)
            {
                rcpt.Add(await CommandAsync(line, _timeouts.Command, cancellationToken));
            }
        }
        var anyAccepted = mail.IsPositive && rcpt.Any(r => r.IsPositive);
        if (!anyAccepted)
        {
            if (dataStart is { Code: 354 })
            {
                // RFC 2920 §3.1: the pipelined DATA was accepted anyway; end it with an empty message body we then abandon.
                await WriteAsync(".\r\n", cancellationToken);
                _ = await ReadReplyAsync(_timeouts.DataTermination, cancellationToken);
            }
            await ResetAsync(cancellationToken);
            return new SmtpTransactionResult(mail, mail.IsPositive ? rcpt : [.. rcptLines.Select(_ => mail)], null);
        }
        SmtpReply final;
        if (chunking)
        {
            final = await SendBdatAsync(content, cancellationToken);
        }
        else
        {
            dataStart ??= await CommandAsync("DATA", _timeouts.DataInitiation, cancellationToken);
            if (dataStart.Code != 354)
            {
                return new SmtpTransactionResult(mail, rcpt, dataStart);
            }
            await SendDotStuffedAsync(content, cancellationToken);
            final = await ReadReplyAsync(_timeouts.DataTermination, cancellationToken);
        }
        return new SmtpTransactionResult(mail, rcpt, final);
    }

    public async Task ResetAsync(CancellationToken cancellationToken) => _ = await CommandAsync("RSET", _timeouts.Command, cancellationToken);

    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = await CommandAsync("QUIT", _timeouts.Command, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or ObjectDisposedException)
        {
            // The message is already accepted or refused; a peer that drops before 221 changes nothing.
        }
    }

    /// <summary>RFC 3030 §2: one BDAT LAST chunk per megabyte, no dot-stuffing.</summary>
    private async Task<SmtpReply> SendBdatAsync(Stream content, CancellationToken cancellationToken)
    {
        const int ChunkSize = 1024 * 1024;
        var chunk = new byte[ChunkSize];
        var remaining = content.Length - content.Position;
        SmtpReply reply;
        do
        {
            var n = (int)Math.Min(ChunkSize, remaining);
            await content.ReadExactlyAsync(chunk.AsMemory(0, n), cancellationToken);
            remaining -= n;
            var last = remaining == 0;
            await WriteAsync($"BDAT {n.ToString(CultureInfo.InvariantCulture)}{(last ? " LAST" : "")}\r\n", cancellationToken);
            await WithTimeoutAsync(_timeouts.DataBlock, ct => _stream.WriteAsync(chunk.AsMemory(0, n), ct).AsTask(), cancellationToken);
            await _stream.FlushAsync(cancellationToken);
            reply = await ReadReplyAsync(last ? _timeouts.DataTermination : _timeouts.DataBlock, cancellationToken);
        }
        while (remaining > 0 && reply.IsPositive);
        return reply;
    }

    /// <summary>RFC 5321 §4.5.2: a line starting with "." gets another "."; the data ends with CRLF.CRLF.</summary>
    private async Task SendDotStuffedAsync(Stream content, CancellationToken cancellationToken)
    {
        var input = new byte[64 * 1024];
        var output = new byte[input.Length * 2 + 8];
        var atLineStart = true;
        byte previous = (byte)'\n';
        int n;
        while ((n = await content.ReadAsync(input, cancellationToken)) > 0)
        {
            var o = 0;
            for (var i = 0; i < n; i++)
            {
                var b = input[i];
                if (atLineStart && b == (byte)'.')
                {
                    output[o++] = (byte)'.';
                }
                output[o++] = b;
                atLineStart = b == (byte)'\n';
                previous = b;
            }
            await WithTimeoutAsync(_timeouts.DataBlock, ct => _stream.WriteAsync(output.AsMemory(0, o), ct).AsTask(), cancellationToken);
        }
        await WriteAsync(previous == (byte)'\n' ? ".\r\n" : "\r\n.\r\n", cancellationToken);
    }

    private async Task<SmtpReply> CommandAsync(string line, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await WriteAsync(line + "\r\n", cancellationToken);
        return await ReadReplyAsync(timeout, cancellationToken);
    }

    private async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await WithTimeoutAsync(_timeouts.Command, async ct =>
        {
            await _stream.WriteAsync(bytes, ct);
            await _stream.FlushAsync(ct);
        }, cancellationToken);
    }

    private async Task<SmtpReply> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var lines = new List<string>();
            while (true)
            {
                var line = await ReadLineAsync(cts.Token);
                // RFC 5321 §4.2: "250-text" continues, "250 text" (or bare "250") ends the reply.
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                {
                    throw new IOException($"malformed reply line '{Truncate(line)}'");
                }
                lines.Add(line.Length > 4 ? line[4..] : "");
                if (line.Length == 3 || line[3] == ' ')
                {
                    return new SmtpReply(code, lines);
                }
                if (lines.Count > 200)
                {
                    throw new IOException("reply with too many lines");
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply within {timeout.TotalSeconds:0} s");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                var end = nl > _start && _buffer[nl - 1] == '\r' ? nl - 1 : nl;
                var line = Encoding.UTF8.GetString(_buffer, _start, end - _start);
                _start = nl + 1;
                return line;
            }
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                throw new IOException("reply line longer than 8 KB");
            }
            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (n == 0)
            {
                throw new IOException("the server closed the connection");
            }
            _end += n;
        }
    }

    private static async Task WithTimeoutAsync(TimeSpan timeout, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await action(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"sending took longer than {timeout.TotalSeconds:0} s");
        }
    }

    private static string Truncate(string s) => s.Length > 100 ? s[..100] : s;

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
