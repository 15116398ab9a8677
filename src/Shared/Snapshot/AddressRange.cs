using System.Net;
using System.Net.Sockets;

namespace MailHost.Shared.Snapshot;

/// <summary>An inclusive address range as 128-bit numbers; IPv4 and IPv4-mapped IPv6 compare as IPv4.</summary>
public readonly record struct AddressRange(AddressFamily Family, UInt128 Lower, UInt128 Upper)
{
    public UInt128 Size => Upper - Lower;

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (family, value) = ToNumber(address);
        return family == Family && value >= Lower && value <= Upper;
    }

    public static (AddressFamily Family, UInt128 Value) ToNumber(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }
        return (address.AddressFamily, value);
    }

    /// <summary>Parses "a.b.c.d/n", "x::/n", or a lower and an upper literal.</summary>
    public static bool TryParse(string lower, string upper, out AddressRange range, out string? error)
    {
        range = default;
        lower = lower?.Trim() ?? "";
        upper = upper?.Trim() ?? "";
        var slash = lower.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!IPAddress.TryParse(lower[..slash], out var network) || !int.TryParse(lower[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            {
                error = $"'{lower}' is not a CIDR range";
                return false;
            }
            var (family, value) = ToNumber(network);
            var bits = family == AddressFamily.InterNetwork ? 32 : 128;
            if (prefix > bits)
            {
                error = $"prefix /{prefix} is longer than {bits} bits";
                return false;
            }
            var hostBits = bits - prefix;
            var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            range = new AddressRange(family, value & ~hostMask, (value & ~hostMask) | hostMask);
            error = null;
            return true;
        }
        if (!IPAddress.TryParse(lower, out var lo))
        {
            error = $"'{lower}' is not an IP address";
            return false;
        }
        if (!IPAddress.TryParse(upper.Length == 0 ? lower : upper, out var hi))
        {
            error = $"'{upper}' is not an IP address";
            return false;
        }
        var l = ToNumber(lo);
        var h = ToNumber(hi);
        if (l.Family != h.Family)
        {
            error = "lower and upper address are of different families";
            return false;
        }
        if (l.Value > h.Value)
        {
            error = "lower address is above upper address";
            return false;
        }
        range = new AddressRange(l.Family, l.Value, h.Value);
        error = null;
        return true;
    }
}
