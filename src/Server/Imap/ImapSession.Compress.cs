using System.IO.Pipelines;
using MailHost.Server.Protocol;

namespace MailHost.Server.Imap;

/// <summary>COMPRESS=DEFLATE (RFC 4978): after authentication the connection switches to raw deflate both ways.</summary>
internal sealed partial class ImapSession
{
    private bool Compressed => _conn.Stream is DeflateDuplexStream;

    private async Task CompressAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var mechanism = r.Atom().ToUpperInvariant();
        r.End();
        if (mechanism != "DEFLATE")
        {
            _out.Line($"{tag} BAD Unknown compression mechanism");
            return;
        }
        // RFC 4978 §3: once only. TLS-level compression never runs here (.NET's SslStream over OpenSSL 3 does not negotiate it).
        if (Compressed)
        {
            _out.Line($"{tag} NO [COMPRESSIONACTIVE] DEFLATE active already");
            return;
        }
        // Bytes pipelined after COMPRESS are already compressed: read as plain text they would be garbage.
        if (_lines.HasBufferedData)
        {
            _errors++;
            _out.Line($"{tag} BAD COMPRESS must be the last command sent before compression starts");
            return;
        }
        _out.Line($"{tag} OK DEFLATE active");
        await FlushAsync(ct);
        _conn.StartCompression();
        await _pipe.CompleteAsync();
        _pipe = PipeReader.Create(_conn.Stream, new StreamPipeReaderOptions(leaveOpen: true));
        _lines = NewLineReader();
        _reader = NewCommandReader();
    }
}
