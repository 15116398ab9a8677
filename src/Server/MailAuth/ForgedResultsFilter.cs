using System.Text;

namespace MailHost.Server.MailAuth;

/// <summary>
/// Copies a message, putting our new fields on top and leaving out every Authentication-Results field
/// that claims our authserv-id: those can only be forgeries from outside (RFC 8601 §5).
/// The header section is read whole; its size is already bounded by the SMTP header limits.
/// </summary>
public static class ForgedResultsFilter
{
    public static async Task<int> CopyAsync(Stream source, Stream target, string newFields, string authservId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(newFields);
        await target.WriteAsync(Encoding.ASCII.GetBytes(newFields), cancellationToken);
        var removed = 0;
        var field = new MemoryStream();
        var line = new MemoryStream();
        int b;
        // Reads the header section line by line; a line starting with space or tab continues the field.
        while ((b = source.ReadByte()) >= 0)
        {
            line.WriteByte((byte)b);
            if (b != '\n')
            {
                continue;
            }
            var bytes = line.ToArray();
            line.SetLength(0);
            var blank = bytes.Length <= 2 && (bytes.Length == 1 || bytes[0] == '\r');
            if (bytes.Length > 0 && bytes[0] is (byte)' ' or (byte)'\t' && !blank)
            {
                field.Write(bytes);
                continue;
            }
            removed += await FlushFieldAsync(field, target, authservId, cancellationToken);
            if (blank)
            {
                await target.WriteAsync(bytes, cancellationToken);
                await source.CopyToAsync(target, cancellationToken);
                return removed;
            }
            field.Write(bytes);
        }
        removed += await FlushFieldAsync(field, target, authservId, cancellationToken);
        await target.WriteAsync(line.ToArray(), cancellationToken);
        return removed;
    }

    private static async Task<int> FlushFieldAsync(MemoryStream field, Stream target, string authservId, CancellationToken cancellationToken)
    {
        if (field.Length == 0)
        {
            return 0;
        }
        var bytes = field.ToArray();
        field.SetLength(0);
        if (ClaimsOurId(Encoding.Latin1.GetString(bytes), authservId))
        {
            return 1;
        }
        await target.WriteAsync(bytes, cancellationToken);
        return 0;
    }

    /// <summary>Authentication-Results: [CFWS] authserv-id [ CFWS authres-version ] ";" … (RFC 8601 §2.2).</summary>
    public static bool ClaimsOurId(string field, string authservId)
    {
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !field[..colon].Trim().Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var value = StripComments(field[(colon + 1)..]);
        var semi = value.IndexOf(';', StringComparison.Ordinal);
        var id = (semi < 0 ? value : value[..semi]).Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return id.Trim('"').TrimEnd('.').Equals(authservId.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
    }

    private static string StripComments(string value)
    {
        var sb = new StringBuilder(value.Length);
        var depth = 0;
        foreach (var c in value)
        {
            if (c == '(')
            {
                depth = Math.Min(depth + 1, 32);
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
