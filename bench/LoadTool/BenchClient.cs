using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailHost.Bench;

/// <summary>A minimal line client for SMTP/IMAP used by the load modes.</summary>
public sealed class BenchClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private BenchClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<BenchClient> ConnectAsync(int port, CancellationToken ct)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
        return new BenchClient(tcp);
    }

    public async Task TlsAsync(CancellationToken ct)
    {
        var ssl = new SslStream(_stream, false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
        _stream = ssl;
        _start = _end = 0;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _stream.WriteAsync(data, ct);
        await _stream.FlushAsync(ct);
    }

    public Task WriteLineAsync(string line, CancellationToken ct) => WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), ct);

    public async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, nl - _start).TrimEnd('\r');
                _start = nl + 1;
                return line;
            }
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (n == 0)
            {
                throw new IOException("connection closed");
            }
            _end += n;
        }
    }

    /// <summary>Reads a whole SMTP reply and returns its last line.</summary>
    public async Task<string> ReplyAsync(CancellationToken ct)
    {
        while (true)
        {
            var line = await ReadLineAsync(ct);
            if (line.Length < 4 || line[3] != '-')
            {
                return line;
            }
        }
    }

    public async Task<string> CommandAsync(string command, CancellationToken ct)
    {
        await WriteLineAsync(command, ct);
        return await ReplyAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
