using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.Components.Shared;

/// <summary>Plain words for the enum values the console shows: an admin reads "STARTTLS optional", not StartTlsOptional.</summary>
public static class Labels
{
    public static string Of(TlsMode mode) => mode switch
    {
        TlsMode.None => "no TLS",
        TlsMode.StartTlsOptional => "STARTTLS optional",
        TlsMode.StartTlsRequired => "STARTTLS required",
        TlsMode.ImplicitTls => "implicit TLS",
        _ => mode.ToString(),
    };

    public static string Of(ListenerProtocol protocol) => protocol switch
    {
        ListenerProtocol.Smtp => "SMTP",
        ListenerProtocol.Submission => "SMTP submission",
        ListenerProtocol.Imap => "IMAP",
        ListenerProtocol.Pop3 => "POP3",
        _ => protocol.ToString(),
    };

    public static string Of(RelayAction action) => action switch
    {
        RelayAction.Allow => "allow",
        RelayAction.Deny => "deny",
        RelayAction.RequireTls => "require TLS",
        RelayAction.Route => "route via smarthost",
        _ => action.ToString(),
    };

    public static string Of(OutboundTlsLevel level) => level switch
    {
        OutboundTlsLevel.None => "no TLS",
        OutboundTlsLevel.May => "TLS if offered",
        OutboundTlsLevel.Encrypt => "TLS required",
        OutboundTlsLevel.Verify => "TLS with a verified certificate",
        _ => level.ToString(),
    };

    public static string Of(OutboundDaneLevel level) => level switch
    {
        OutboundDaneLevel.Off => "DANE off",
        OutboundDaneLevel.Opportunistic => "DANE when published",
        OutboundDaneLevel.Required => "DANE required",
        _ => level.ToString(),
    };

    public static string Of(DkimAlgorithm algorithm) => algorithm switch
    {
        DkimAlgorithm.Rsa2048 => "RSA 2048",
        DkimAlgorithm.Rsa4096 => "RSA 4096",
        DkimAlgorithm.Ed25519 => "Ed25519",
        _ => algorithm.ToString(),
    };

    /// <summary>Bytes as the console and CLI show sizes.</summary>
    public static string Megabytes(long bytes) => MailHost.Admin.Web.Backend.SizeText.Megabytes(bytes);
}
