namespace MailHost.Server.Queue;

/// <summary>
/// What a local-delivery failure may send back. The session refuses every failure it can know
/// (quota at RCPT/DATA), so a later bounce is rare; when it happens for mail from an
/// unauthenticated sender, whose address may be forged, the bounce must not carry the message
/// to a third party (backscatter): it returns the header section only.
/// </summary>
public static class BouncePolicy
{
    /// <summary>
    /// Hook for sender authentication: once SPF/DMARC results are recorded on the envelope, mail
    /// whose sender they found forged gets no bounce at all. Until then every failure is reported.
    /// </summary>
    public static bool ShouldBounce(QueuedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Sender.Length > 0;
    }

    /// <summary>The original message for an authenticated sender; its header section (RFC 3462 text/rfc822-headers) otherwise.</summary>
    public static byte[] ReturnedContent(QueuedMessage message, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(content);
        return message.AuthenticatedUser is not null ? content : HeaderSection(content);
    }

    public static byte[] HeaderSection(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var end = content.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? content : content[..(end + 4)];
    }
}
