using MailHost.Server.Auth;
using MailHost.Server.Logging;
using MailHost.Server.Queue;
using MailHost.Server.Storage;

namespace MailHost.Server.Smtp;

/// <summary>The engine services a session uses, resolved once by the handler.</summary>
internal sealed record SmtpServices(
    MessageSpool Spool,
    CredentialVerifier Verifier,
    AuthThrottle Throttle,
    ActivityLog Activity,
    TimeProvider Time,
    ILogger Logger,
    DiskSpaceGuard Disk,
    MailStore Store,
    MailAuth.InboundMailAuth MailAuth,
    MailAuth.MailAuthOptions MailAuthOptions);
