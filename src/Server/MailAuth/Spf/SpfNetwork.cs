using System.Net;

namespace MailHost.Server.MailAuth.Spf;

/// <summary>CIDR matching: the first <c>length</c> bits of two addresses of the same family are equal.</summary>
internal static class SpfNetwork
{
    public static bool Contains(IPAddress network, int length, IPAddress ip)
    {
        if (network.IsIPv4MappedToIPv6)
        {
            network = network.MapToIPv4();
        }
        if (network.AddressFamily != ip.AddressFamily)
        {
            return false;
        }
        var a = network.GetAddressBytes();
        var b = ip.GetAddressBytes();
        var full = length / 8;
        for (var i = 0; i < full; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        var rest = length % 8;
        if (rest == 0)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (b[full] & mask);
    }
}
