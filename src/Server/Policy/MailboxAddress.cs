namespace MailHost.Server.Policy;

/// <summary>
/// A mailbox from an SMTP path, after the source route is stripped. <see cref="LocalPart"/> is the
/// unquoted content; it is never reinterpreted (no percent hack, no bang paths).
/// </summary>
public sealed record MailboxAddress(string LocalPart, string Domain, bool IsAddressLiteral, bool IsQuoted)
{
    /// <summary>Lower-case domain (address literals as written) for lookups and rule matching.</summary>
    public string NormalizedDomain => IsAddressLiteral ? Domain : Domain.ToLowerInvariant();

    /// <summary>True when the local part holds characters that other MTAs treat as routing (%, !, @).</summary>
    public bool HasRoutingCharacters => LocalPart.AsSpan().IndexOfAny("%!@") >= 0;

    /// <summary>The key for account and alias lookups: lower-case local@domain.</summary>
    public string LookupKey => $"{LocalPart.ToLowerInvariant()}@{NormalizedDomain}";

    public bool IsAscii => System.Text.Ascii.IsValid(LocalPart) && System.Text.Ascii.IsValid(Domain);

    /// <summary>The address as it goes into the envelope: quoted again when the local part needs it.</summary>
    public override string ToString() => (IsQuoted ? Quote(LocalPart) : LocalPart) + "@" + Domain;

    private static string Quote(string local) => "\"" + local.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
