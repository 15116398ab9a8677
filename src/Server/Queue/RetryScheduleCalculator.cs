namespace MailHost.Server.Queue;

/// <summary>When to try a deferred recipient again, from the settings' back-off list (the last step repeats) and give-up age.</summary>
public static class RetryScheduleCalculator
{
    /// <summary>The delay after the <paramref name="attempts"/>-th failed attempt (1 = the first).</summary>
    public static TimeSpan DelayAfter(int attempts, IReadOnlyList<TimeSpan> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Count == 0)
        {
            return TimeSpan.FromMinutes(5);
        }
        return schedule[Math.Clamp(attempts - 1, 0, schedule.Count - 1)];
    }

    /// <summary>True when a message queued at <paramref name="createdUtc"/> has been tried for long enough.</summary>
    public static bool IsExpired(DateTime createdUtc, DateTime nowUtc, TimeSpan giveUpAfter) => nowUtc - createdUtc >= giveUpAfter;
}
