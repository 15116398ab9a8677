using System.Collections.Immutable;

namespace MailHost.Shared.Snapshot;

/// <summary>Parses a listener's trusted PROXY sources: comma-separated CIDRs or single addresses.</summary>
public static class ProxySources
{
    /// <summary>Returns the ranges, or an empty list and <paramref name="error"/> when one entry is wrong.</summary>
    public static ImmutableArray<AddressRange> Parse(string? text, out string? error)
    {
        error = null;
        var ranges = ImmutableArray.CreateBuilder<AddressRange>();
        foreach (var entry in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!AddressRange.TryParse(entry, "", out var range, out var why))
            {
                error = why;
                return [];
            }
            // A /0 trusts the whole Internet to name any client address: bans and IP ranges would mean nothing.
            if (range.Lower == 0 && range.Upper == (range.Family == System.Net.Sockets.AddressFamily.InterNetwork ? uint.MaxValue : UInt128.MaxValue))
            {
                error = $"'{entry}' trusts every address; list the load balancers only";
                return [];
            }
            ranges.Add(range);
        }
        return ranges.ToImmutable();
    }

    public static bool Contains(ImmutableArray<AddressRange> ranges, System.Net.IPAddress address) => ranges.Any(r => r.Contains(address));
}
