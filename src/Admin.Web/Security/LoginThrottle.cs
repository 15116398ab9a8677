using System.Collections.Concurrent;

namespace MailHost.Admin.Web.Security;

/// <summary>
/// Console login lockout, counted per (address, user) and per address — never per user alone, so nobody
/// who can reach the console can keep <c>admin</c> locked out from everywhere (issue 11 item 15).
/// <see cref="FailureLimit"/> failures for one user from one address within <see cref="Window"/> lock that
/// pair; <see cref="AddressFailureLimit"/> failures from one address for any users lock the address. A
/// locked attempt is refused for <see cref="LockoutDuration"/> without checking the password (a locked-out
/// guesser learns nothing and costs no PBKDF2 work). A success clears only that user's failures: owning
/// one account never resets the count of guesses at another.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int FailureLimit = 5;
    public const int AddressFailureLimit = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public readonly List<(DateTimeOffset Time, string User)> Failures = [];
        public DateTimeOffset LockedUntil;
    }

    /// <summary>When the address, or this user from this address, is locked out: the time the lockout ends.</summary>
    public DateTimeOffset? LockedUntil(string address, string userName)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = null;
        foreach (var key in Keys(address, userName))
        {
            if (_entries.TryGetValue(key.Key, out var e))
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
        var user = userName.ToLowerInvariant();
        foreach (var (key, limit) in Keys(address, userName))
        {
            var e = _entries.GetOrAdd(key, _ => new Entry());
            lock (e)
            {
                e.Failures.RemoveAll(f => f.Time < now - Window);
                e.Failures.Add((now, user));
                if (e.Failures.Count >= limit)
                {
                    e.Failures.Clear();
                    e.LockedUntil = now + LockoutDuration;
                }
            }
        }
    }

    /// <summary>Clears this user's failures from this address; other users' failures from it still count.</summary>
    public void RecordSuccess(string address, string userName)
    {
        var user = userName.ToLowerInvariant();
        var (pairKey, _) = Keys(address, userName)[0];
        _entries.TryRemove(pairKey, out _);
        if (_entries.TryGetValue(AddressKey(address), out var e))
        {
            lock (e)
            {
                e.Failures.RemoveAll(f => f.User == user);
            }
        }
    }

    private static string AddressKey(string address) => "ip:" + address;

    // The pair key first: RecordSuccess removes it. A newline cannot occur in an address, so keys never collide.
    private static (string Key, int Limit)[] Keys(string address, string userName) =>
        [("pair:" + address + "\n" + userName.ToLowerInvariant(), FailureLimit), (AddressKey(address), AddressFailureLimit)];
}
