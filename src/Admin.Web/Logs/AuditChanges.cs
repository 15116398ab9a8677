using System.Globalization;
using System.Text;
using System.Text.Json;
using MailHost.Admin.Web.Components.Shared;
using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.Logs;

/// <summary>One field of one changed item, as the audit page shows it: "Port: 2525 → 2526".</summary>
public sealed record AuditFieldChange(string Field, string? Old, string? New);

/// <summary>One item an audit entry added, changed or deleted, with its changed fields.</summary>
public sealed record AuditItemChange(string Entity, string Kind, string? Name, IReadOnlyList<AuditFieldChange> Fields);

/// <summary>
/// Reads the audit entry's stored values (one JSON object per changed item, joined with "; ", the same
/// position in Old and New; empty for an added or deleted side) into readable field changes: enum numbers
/// become plain words and the temporary negative ids EF gives unsaved rows are left out.
/// </summary>
public static class AuditChanges
{
    private const int MaxItems = 200;

    public static IReadOnlyList<AuditItemChange> Parse(AdminAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var olds = Split(entry.OldValue);
        var news = Split(entry.NewValue);
        if (olds is null || news is null)
        {
            return [];
        }
        var entities = entry.Entity.Split(", ", StringSplitOptions.RemoveEmptyEntries);
        var result = new List<AuditItemChange>();
        for (var i = 0; i < Math.Max(olds.Count, news.Count) && i < MaxItems; i++)
        {
            var old = i < olds.Count ? olds[i] : null;
            var @new = i < news.Count ? news[i] : null;
            var entity = entities.Length == 1 ? entities[0] : "";
            var kind = old is null ? "added" : @new is null ? "deleted" : "changed";
            var fields = new List<AuditFieldChange>();
            foreach (var key in (old?.Keys ?? Enumerable.Empty<string>()).Union(@new?.Keys ?? Enumerable.Empty<string>()))
            {
                string? o = old is not null && old.TryGetValue(key, out var ov) ? Show(key, ov) : null;
                string? n = @new is not null && @new.TryGetValue(key, out var nv) ? Show(key, nv) : null;
                if (key == "Id" && (o ?? n) is { } id && id.StartsWith('-'))
                {
                    continue; // EF's temporary key for a row not yet saved: meaningless to a reader.
                }
                if (kind == "changed" && o == n)
                {
                    continue;
                }
                fields.Add(new AuditFieldChange(key, o, n));
            }
            var name = (@new ?? old) is { } values && values.TryGetValue("Name", out var nameValue) ? Show("Name", nameValue)
                : (@new ?? old) is { } v2 && v2.TryGetValue("Address", out var address) ? Show("Address", address) : null;
            result.Add(new AuditItemChange(entity, kind, name, fields));
        }
        return result;
    }

    /// <summary>Plain text for one stored value; enum fields stored as numbers get their words back.</summary>
    public static string Show(string field, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "(none)",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : "(empty)",
        JsonValueKind.Number when value.TryGetInt32(out var n) && EnumLabel(field, n) is { } label => label,
        _ => value.GetRawText(),
    };

    private static string? EnumLabel(string field, int n) => field switch
    {
        "TlsMode" when Enum.IsDefined((TlsMode)n) => Labels.Of((TlsMode)n),
        "Protocol" when Enum.IsDefined((ListenerProtocol)n) => Labels.Of((ListenerProtocol)n),
        "Action" when Enum.IsDefined((RelayAction)n) => Labels.Of((RelayAction)n),
        "OutboundTls" when Enum.IsDefined((OutboundTlsLevel)n) => Labels.Of((OutboundTlsLevel)n),
        "OutboundDane" when Enum.IsDefined((OutboundDaneLevel)n) => Labels.Of((OutboundDaneLevel)n),
        "Algorithm" when Enum.IsDefined((DkimAlgorithm)n) => Labels.Of((DkimAlgorithm)n),
        _ => null,
    };

    /// <summary>The JSON objects in order, null for an empty position; null when the text is not that format (older or free-text entries).</summary>
    private static List<Dictionary<string, JsonElement>?>? Split(string text)
    {
        var result = new List<Dictionary<string, JsonElement>?>();
        if (text.Length == 0)
        {
            return result;
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        var offset = 0;
        var expectValue = true;
        while (offset <= bytes.Length && result.Count < MaxItems)
        {
            if (offset == bytes.Length || bytes[offset] == (byte)';')
            {
                if (expectValue)
                {
                    result.Add(null);
                }
                if (offset == bytes.Length)
                {
                    break;
                }
                offset++;
                while (offset < bytes.Length && bytes[offset] == (byte)' ')
                {
                    offset++;
                }
                expectValue = true;
                continue;
            }
            if (bytes[offset] != (byte)'{' || !expectValue)
            {
                return null;
            }
            try
            {
                var reader = new Utf8JsonReader(bytes.AsSpan(offset), new JsonReaderOptions { MaxDepth = 8 });
                using var doc = JsonDocument.ParseValue(ref reader);
                result.Add(doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal));
                offset += (int)reader.BytesConsumed;
                expectValue = false;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return result;
    }

    /// <summary>"Port: 2525 → 2526" for changes, "Port: 2525" for an added or deleted item.</summary>
    public static string Describe(AuditFieldChange f) =>
        f.Old is not null && f.New is not null ? $"{f.Field}: {f.Old} → {f.New}" : $"{f.Field}: {f.New ?? f.Old}";

    public static string Kind(AuditItemChange c) => string.Create(CultureInfo.InvariantCulture, $"{c.Kind} {c.Entity}{(c.Name is null ? "" : $" '{c.Name}'")}").Trim();
}
