using MimeKit;

namespace MailHost.Server.Smtp;

/// <summary>
/// Which sender addresses an authenticated user owns: its own address, and every alias whose targets
/// include it (an alias delivered to the user is one it may answer from). Like Postfix's
/// smtpd_sender_login_maps with reject_sender_login_mismatch; remote addresses are not owned.
/// </summary>
public static class SenderLogin
{
    private static readonly ParserOptions Parser = new() { AddressParserComplianceMode = RfcComplianceMode.Strict, MaxAddressGroupDepth = 3 };

    public static bool Owns(MailHostSnapshot snapshot, string user, string address)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(address);
        if (address.Equals(user, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return snapshot.Aliases.TryGetValue(address.ToLowerInvariant(), out var targets)
            && targets.Any(t => t.Equals(user, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every mailbox in every From: header must be owned; a missing or unparsable From: is left to other checks.</summary>
    public static bool OwnsFromHeaders(MailHostSnapshot snapshot, string user, IReadOnlyList<string> fromHeaders)
    {
        ArgumentNullException.ThrowIfNull(fromHeaders);
        foreach (var value in fromHeaders)
        {
            if (!InternetAddressList.TryParse(Parser, value, out var list))
            {
                // An unparsable From: could hide any address: refuse rather than guess.
                return false;
            }
            if (list.Mailboxes.Any(m => !Owns(snapshot, user, m.Address)))
            {
                return false;
            }
        }
        return true;
    }
}
