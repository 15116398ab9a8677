namespace MailHost.Server.Imap;

/// <summary>
/// A large literal the command reader wrote to a temporary file instead of memory: it belongs in the
/// command's bytes at <paramref name="Offset"/> (right after its "{n}\r\n"), where the bytes are absent.
/// The file is deleted when it is closed.
/// </summary>
public sealed record SpooledLiteral(int Offset, long Length, FileStream File) : IDisposable
{
    public void Dispose() => File.Dispose();
}
