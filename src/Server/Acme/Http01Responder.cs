using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Acme;

/// <summary>
/// Answers http-01 (RFC 8555 §8.3) on MailHost:AcmeHttpPort: GET /.well-known/acme-challenge/TOKEN gets
/// the key authorization, anything else 404. Requests are read up to 4 KB (nothing here is authenticated).
/// </summary>
public sealed class Http01Responder : IAsyncDisposable
{
    private const int MaxRequestBytes = 4096;
    private const string Prefix = "/.well-known/acme-challenge/";

    private readonly AcmeChallengeAnswers _answers;
    private readonly AcmeResponderSocket _socket;

    public Http01Responder(AcmeChallengeAnswers answers, IOptions<AcmeOptions> options, ILogger<Http01Responder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _answers = answers;
        _socket = new AcmeResponderSocket(options.Value.AcmeBindAddress, options.Value.AcmeHttpPort, ServeAsync, logger);
    }

    public Task EnsureListeningAsync() => _socket.EnsureBoundAsync();

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(client, ownsSocket: false);
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return;
            }
            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }
        var requestLine = Encoding.ASCII.GetString(buffer, 0, Math.Max(0, buffer.AsSpan(0, length).IndexOf("\r\n"u8)));
        var parts = requestLine.Split(' ');
        string? answer = null;
        if (parts.Length == 3 && parts[0] is "GET" or "HEAD" && parts[1].StartsWith(Prefix, StringComparison.Ordinal))
        {
            answer = _answers.Http(parts[1][Prefix.Length..]);
        }
        var body = Encoding.ASCII.GetBytes(answer ?? "not found\n");
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {(answer is null ? "404 Not Found" : "200 OK")}\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, cancellationToken);
        if (parts.Length == 0 || parts[0] != "HEAD")
        {
            await stream.WriteAsync(body, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
