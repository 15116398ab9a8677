using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>A raw line-oriented test client (SMTP/IMAP/POP3), with a timeout on every read, and optional TLS.</summary>
public sealed class LineClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly TimeSpan _timeout;

    private LineClient(TcpClient tcp, TimeSpan timeout)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _timeout = timeout;
    }

    public static async Task<LineClient> ConnectAsync(int port, IPAddress? source = null, TimeSpan? timeout = null)
    {
        var tcp = source is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(source, 0));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        return new LineClient(tcp, timeout ?? TimeSpan.FromSeconds(10));
    }

    public async Task UpgradeToTlsAsync(string host = "mx.test.local", System.Security.Authentication.SslProtocols protocols = System.Security.Authentication.SslProtocols.None)
    {
        var ssl = new SslStream(_stream, false, (_, _, _, _) => true);
        using var cts = new CancellationTokenSource(_timeout);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, EnabledSslProtocols = protocols }, cts.Token);
        _stream = ssl;
        _buffer.Clear();
    }

    public SslStream? Tls => _stream as SslStream;

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    public Task SendLineAsync(string line) => SendAsync(line + "\r\n");

    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        using var cts = new CancellationTokenSource(_timeout);
        await _stream.WriteAsync(bytes, cts.Token);
        await _stream.FlushAsync(cts.Token);
    }

    private readonly List<byte> _buffer = [];

    /// <summary>One line without CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(_timeout);
        var one = new byte[4096];
        while (true)
        {
            var nl = _buffer.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer.GetRange(0, nl).ToArray()).TrimEnd('\r');
                _buffer.RemoveRange(0, nl + 1);
                return line;
            }
            var n = await _stream.ReadAsync(one, cts.Token);
            if (n == 0)
            {
                return null;
            }
            _buffer.AddRange(one.AsSpan(0, n).ToArray());
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes (an IMAP literal after its announcing line).</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var cts = new CancellationTokenSource(_timeout);
        var chunk = new byte[64 * 1024];
        while (_buffer.Count < count)
        {
            var n = await _stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
            {
                throw new IOException($"closed after {_buffer.Count} of {count} bytes");
            }
            _buffer.AddRange(chunk.AsSpan(0, n));
        }
        var bytes = _buffer.GetRange(0, count).ToArray();
        _buffer.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>Reads and counts raw bytes until the stream ends with <paramref name="terminator"/>; keeps no more than one chunk.</summary>
    public async Task<long> DrainUntilAsync(string terminator)
    {
        using var cts = new CancellationTokenSource(_timeout);
        var end = Encoding.ASCII.GetBytes(terminator);
        var tail = new List<byte>(_buffer);
        long total = _buffer.Count;
        _buffer.Clear();
        var chunk = new byte[64 * 1024];
        while (tail.Count < end.Length || !tail.GetRange(tail.Count - end.Length, end.Length).SequenceEqual(end))
        {
            var n = await _stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
            {
                throw new IOException($"closed after {total} bytes");
            }
            total += n;
            tail.AddRange(chunk.AsSpan(0, n));
            if (tail.Count > 4 * end.Length)
            {
                tail.RemoveRange(0, tail.Count - 2 * end.Length);
            }
        }
        return total;
    }

    /// <summary>Reads an SMTP reply (all continuation lines) and returns its lines.</summary>
    public async Task<List<string>> ReadSmtpReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException("connection closed; got so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines;
            }
        }
    }

    public async Task<List<string>> SmtpAsync(string command)
    {
        await SendLineAsync(command);
        return await ReadSmtpReplyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
