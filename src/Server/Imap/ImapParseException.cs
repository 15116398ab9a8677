namespace MailHost.Server.Imap;

/// <summary>Bad command syntax: the session answers BAD with this message and carries on.</summary>
public sealed class ImapParseException(string message) : Exception(message)
{
    public ImapParseException()
        : this("syntax error")
    {
    }

    public ImapParseException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
