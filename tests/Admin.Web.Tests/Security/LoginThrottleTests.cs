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
    public void RecordFailure_FiveForOneUserFromOneAddress_LocksThatPairOnly()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(clock);
        for (var i = 0; i < LoginThrottle.FailureLimit; i++)
        {
            Assert.Null(throttle.LockedUntil("192.0.2.1", "admin"));
            throttle.RecordFailure("192.0.2.1", "admin");
        }
        Assert.Equal(clock.Now + LoginThrottle.LockoutDuration, throttle.LockedUntil("192.0.2.1", "ADMIN"));
        Assert.Null(throttle.LockedUntil("192.0.2.1", "other"));

        clock.Now += LoginThrottle.LockoutDuration + TimeSpan.FromSeconds(1);
        Assert.Null(throttle.LockedUntil("192.0.2.1", "admin"));
    }

    [Fact]
    public void RecordFailure_ForAdminFromManyAddresses_NeverLocksAdminOutElsewhere()
    {
        // Issue 11 item 15: anyone who reaches the console must not keep admin locked out of it.
        var throttle = new LoginThrottle(new ManualClock());
        for (var i = 0; i < LoginThrottle.FailureLimit * 4; i++)
        {
            throttle.RecordFailure($"192.0.2.{i}", "admin");
        }
        Assert.Null(throttle.LockedUntil("198.51.100.1", "admin"));
    }

    [Fact]
    public void RecordFailure_ManyUsersFromOneAddress_LocksTheAddress()
    {
        var throttle = new LoginThrottle(new ManualClock());
        for (var i = 0; i < LoginThrottle.AddressFailureLimit; i++)
        {
            throttle.RecordFailure("192.0.2.7", "user" + i);
        }
        Assert.NotNull(throttle.LockedUntil("192.0.2.7", "someone-else"));
        Assert.Null(throttle.LockedUntil("192.0.2.8", "someone-else"));
    }

    [Fact]
    public void RecordSuccess_ForOwnAccount_DoesNotClearGuessesAtAnother()
    {
        // The alternation attack: wrong guesses at a victim, then a correct login of one's own, repeated.
        var throttle = new LoginThrottle(new ManualClock());
        for (var round = 0; round < LoginThrottle.AddressFailureLimit; round++)
        {
            throttle.RecordFailure("192.0.2.9", "victim");
            throttle.RecordSuccess("192.0.2.9", "attacker");
        }
        Assert.NotNull(throttle.LockedUntil("192.0.2.9", "victim"));
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
