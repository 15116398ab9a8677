namespace MailHost.Server.Logging;

internal static partial class TlsLog
{
    [LoggerMessage(2001, LogLevel.Error, "Certificate {Name} at {Path} could not be loaded", EventName = "CertificateLoadFailed")]
    public static partial void CertificateLoadFailed(ILogger logger, string name, string path, Exception exception);

    [LoggerMessage(2002, LogLevel.Debug, "TLS handshake with {Remote} on {Listener} failed: {Reason}", EventName = "HandshakeFailed")]
    public static partial void HandshakeFailed(ILogger logger, string remote, string listener, string reason);
}
