using System.Net;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;
using MailHost.Shared.Validation;

namespace MailHost.Server.Tests.Settings;

public sealed class IpRangeMatchTests
{
    private static MailHostSnapshot Build(params IpRange[] ranges)
    {
        var data = new SettingsData { Server = new ServerSettings { Hostname = "mx.example.com" }, IpRanges = [.. ranges] };
        for (var i = 0; i < ranges.Length; i++)
        {
            ranges[i].Id = i + 1;
        }
        return SnapshotBuilder.TryBuild(data, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    [Theory]
    [InlineData("192.0.2.0/24", "", "192.0.2.255", true)]
    [InlineData("192.0.2.0/24", "", "192.0.3.0", false)]
    [InlineData("10.0.0.5", "10.0.0.9", "10.0.0.9", true)]
    [InlineData("10.0.0.5", "10.0.0.9", "10.0.0.4", false)]
    [InlineData("2001:db8::/32", "", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "", "2001:db9::1", false)]
    [InlineData("0.0.0.0/0", "", "::ffff:203.0.113.7", true)]
    [InlineData("::/0", "", "203.0.113.7", false)]
    public void Contains_FollowsCidrAndFromTo(string lower, string upper, string address, bool expected)
    {
        Assert.True(AddressRange.TryParse(lower, upper, out var range, out _));
        Assert.Equal(expected, range.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void MatchRange_LongestPrefixWins_ThenPriority()
    {
        var snapshot = Build(
            new IpRange { Name = "internet", Priority = 100, LowerAddress = "0.0.0.0/0" },
            new IpRange { Name = "office", Priority = 1, LowerAddress = "198.51.100.0/24" },
            new IpRange { Name = "office-high", Priority = 5, LowerAddress = "198.51.100.0/24" });

        Assert.Equal("office-high", snapshot.MatchRange(IPAddress.Parse("198.51.100.20"), DateTime.UtcNow)!.Name);
        Assert.Equal("internet", snapshot.MatchRange(IPAddress.Parse("198.51.101.20"), DateTime.UtcNow)!.Name);
    }

    [Fact]
    public void MatchRange_ExpiredRange_IsSkipped()
    {
        var snapshot = Build(
            new IpRange { Name = "internet", LowerAddress = "0.0.0.0/0" },
            new IpRange { Name = "temporary", LowerAddress = "203.0.113.0/24", ExpiresUtc = DateTime.UtcNow.AddMinutes(-1) });
        Assert.Equal("internet", snapshot.MatchRange(IPAddress.Parse("203.0.113.1"), DateTime.UtcNow)!.Name);
    }

    [Fact]
    public void MatchRange_NoRange_ReturnsNull() =>
        Assert.Null(Build(new IpRange { Name = "v4", LowerAddress = "0.0.0.0/0" }).MatchRange(IPAddress.IPv6Loopback, DateTime.UtcNow));
}
