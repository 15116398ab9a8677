using System.Collections.Concurrent;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// Console login lockout: after <see cref="FailureLimit"/> failures within <see cref="Window"/> from one
/// address, or for one user name, further attempts are refused for <see cref="LockoutDuration"/>
/// without checking the password (so a locked-out guesser learns nothing and costs no PBKDF2 work).
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int FailureLimit = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public readonly Queue<DateTimeOffset> Failures = new();
        public DateTimeOffset LockedUntil;
    }

    /// <summary>When the address or the user is locked out, the time the lockout ends.</summary>
    public DateTimeOffset? LockedUntil(string address, string userName)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = null;
        foreach (var key in Keys(address, userName))
        {
            if (_entries.TryGetValue(key, out var e))
            {
                lock (e)
                {
                    if (e.LockedUntil > now && (until is null || e.LockedUntil > until))
                    {
                        until = e.LockedUntil;
                    }
                }
            }
        }
        return until;
    }

    public void RecordFailure(string address, string userName)
    {
        var now = time.GetUtcNow();
        foreach (var key in Keys(address, userName))
        {
            var e = _entries.GetOrAdd(key, _ => new Entry());
            lock (e)
            {
                e.Failures.Enqueue(now);
                while (e.Failures.Count > 0 && e.Failures.Peek() < now - Window)
                {
                    e.Failures.Dequeue();
                }
                if (e.Failures.Count >= FailureLimit)
                {
                    e.Failures.Clear();
                    e.LockedUntil = now + LockoutDuration;
                }
            }
        }
    }

    public void RecordSuccess(string address, string userName)
    {
        foreach (var key in Keys(address, userName))
        {
            _entries.TryRemove(key, out _);
        }
    }

    private static string[] Keys(string address, string userName) => ["ip:" + address, "user:" + userName.ToLowerInvariant()];
}
