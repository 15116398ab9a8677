using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978) with a Python client that speaks raw deflate through zlib over a
/// TLS socket (imapflow's compressed session is in <see cref="QresyncTests"/>).
/// </summary>
[Collection("imap-conformance")]
public sealed class CompressTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task PythonZlib_CompressDeflate_BothWaysLargeFetchAndBombHitsLineLimit()
    {
        var user = fixture.NewAccount();
        // 300 KB of varied text: FETCH streams it from the file through the compressor in chunks.
        var body = string.Join("\r\n", Enumerable.Range(0, 6000).Select(i => $"line {i} {i * 7919 % 10007}"));
        await fixture.PutAsync(user, "INBOX", "Subject: big\r\n\r\n" + body + "\r\n");
        var script = PythonClient.Prelude + """
            import socket, zlib, hashlib
            raw = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))), server_hostname='localhost')
            buf = b''
            def plain_until(tag):
                global buf
                while (b'\r\n' + tag + b' ') not in (b'\r\n' + buf) or not buf.endswith(b'\r\n'):
                    buf += raw.recv(65536)
                out, buf = buf, b''
                return out
            raw.settimeout(15)
            raw.recv(4096)  # greeting
            raw.sendall(b'p COMPRESS DEFLATE\r\n')
            print('preauth', plain_until(b'p').decode().strip())
            raw.sendall(('a LOGIN %s pw\r\n' % sys.argv[2]).encode())
            print('login', b'COMPRESS=DEFLATE' in plain_until(b'a'))
            raw.sendall(b'b COMPRESS FOO\r\n')
            print('foo', plain_until(b'b').decode().strip())
            raw.sendall(b'c COMPRESS DEFLATE\r\n')
            print('compress', plain_until(b'c').decode().strip())
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            decomp = zlib.decompressobj(-15)
            wire = [0, 0]
            def send(data):
                z = comp.compress(data) + comp.flush(zlib.Z_SYNC_FLUSH)
                wire[0] += len(z)
                raw.sendall(z)
                return len(z)
            text = b''
            def until(tag):
                global text
                while True:
                    i = (b'\r\n' + text).find(b'\r\n' + tag + b' ')
                    if i >= 0 and text.find(b'\r\n', i) >= 0:
                        end = text.find(b'\r\n', i) + 2
                        out, text = text[:end], text[end:]
                        return out
                    try:
                        chunk = raw.recv(65536)
                    except socket.timeout:
                        raise Exception('timeout waiting for %r after %r' % (tag, text[-300:]))
                    if not chunk:
                        raise Exception('closed: %r' % text[-200:])
                    wire[1] += len(chunk)
                    text += decomp.decompress(chunk)
            send(b'd CAPABILITY\r\n')
            caps = until(b'd')
            print('caps', b'COMPRESS=DEFLATE' in caps, b'd OK' in caps)
            send(b'e COMPRESS DEFLATE\r\n')
            print('again', until(b'e').decode().strip())
            send(b'f SELECT INBOX\r\n')
            print('select', until(b'f').decode().strip().splitlines()[-1])
            wire[1] = 0
            send(b'g FETCH 1 BODY[]\r\n')
            r = until(b'g')
            start = r.index(b'}\r\n') + 3
            size = int(r[r.index(b'{') + 1:start - 3])
            print('fetch', size, hashlib.sha256(r[start:start + size]).hexdigest(), r[start + size:].split(b'\r\n')[1].decode(), 'compressed', wire[1] < size // 2)
            n = send(b'h NOOP ' + b'A' * 4_000_000 + b'\r\n')
            print('bomb wire', n < 20000)
            print('bomb', until(b'*').decode().strip())
            send(b'i NOOP\r\n')
            print('after', until(b'i').decode().strip().splitlines()[-1])
            send(b'j APPEND INBOX {900000000}\r\n')
            print('literal', until(b'j').decode().strip())
            send(b'k LOGOUT\r\n')
            print('logout', until(b'k').decode().strip().splitlines()[-1])
            """;
        var output = await PythonClient.RunAsync(script, TimeSpan.FromSeconds(60), fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
        var message = System.Text.Encoding.UTF8.GetBytes("Subject: big\r\n\r\n" + body + "\r\n");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(message));
        Assert.Contains("preauth p BAD Log in first", output);
        Assert.Contains("login True", output);
        Assert.Contains("foo b BAD", output);
        Assert.Contains("compress c OK DEFLATE active", output);
        // After COMPRESS the capability is no longer offered, and a second COMPRESS is refused (RFC 4978 §3).
        Assert.Contains("caps False True", output);
        Assert.Contains("again e NO [COMPRESSIONACTIVE]", output);
        Assert.Contains("select f OK [READ-WRITE]", output);
        Assert.Contains($"fetch {message.Length} {hash} g OK FETCH completed compressed True", output);
        // 4 MB of "A" is a few KB compressed; inflated it is a command line over the limit, refused as uncompressed it would be.
        Assert.Contains("bomb wire True", output);
        Assert.Contains("bomb * BAD Command line too long", output); // as uncompressed: the tag is not read from an over-long line
        Assert.Contains("after i OK NOOP completed", output);
        Assert.Contains("literal j NO [TOOBIG]", output);
        Assert.Contains("logout k OK LOGOUT completed", output);
    }
}
