using MailHost.Admin.Web.Security;

namespace MailHost.Admin.Web.Tests.Security;

public sealed class LoginThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void RecordFailure_FiveForOneUserFromManyAddresses_LocksUserEverywhere()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FailureLimit; i++)
        {
            Assert.Null(throttle.LockedUntil($"192.0.2.{i}", "admin"));
            throttle.RecordFailure($"192.0.2.{i}", "admin");
        }
        Assert.Equal(clock.Now + LoginThrottle.LockoutDuration, throttle.LockedUntil("198.51.100.1", "ADMIN"));
        Assert.Null(throttle.LockedUntil("198.51.100.1", "other"));

        clock.Now += LoginThrottle.LockoutDuration + TimeSpan.FromSeconds(1);
        Assert.Null(throttle.LockedUntil("198.51.100.1", "admin"));
    }

    [Fact]
    public void RecordFailure_SpreadBeyondWindow_DoesNotLock()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FailureLimit * 2; i++)
        {
            throttle.RecordFailure("192.0.2.1", "u" + i);
            clock.Now += LoginThrottle.Window / (LoginThrottle.FailureLimit - 1) + TimeSpan.FromSeconds(1);
        }
        Assert.Null(throttle.LockedUntil("192.0.2.1", "x"));
    }

    [Fact]
    public void RecordSuccess_ClearsCountsForAddressAndUser()
    {
        var throttle = new LoginThrottle(new ManualClock());
        for (var i = 0; i < LoginThrottle.FailureLimit - 1; i++)
        {
            throttle.RecordFailure("192.0.2.1", "admin");
        }
        throttle.RecordSuccess("192.0.2.1", "admin");
        throttle.RecordFailure("192.0.2.1", "admin");
        Assert.Null(throttle.LockedUntil("192.0.2.1", "admin"));
    }
}
