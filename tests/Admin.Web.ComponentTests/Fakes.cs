using MailHost.Admin.Web.Backend;
using MailHost.Shared.Data;
using MailHost.Shared.Snapshot;
using MailHost.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Admin.Web.ComponentTests;

/// <summary>A queue in memory that records what the page asked of it.</summary>
public sealed class FakeQueueAdmin : IQueueAdmin
{
    public List<QueueItem> Items { get; } = [];
    public List<string> Calls { get; } = [];
    public QueueFilter? LastFilter { get; private set; }

    public int Count() => Items.Count;

    public Task<IReadOnlyList<QueueItem>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<QueueItem>>([.. Items]);

    public Task DeleteAsync(string actor, string id, CancellationToken cancellationToken)
    {
        Calls.Add($"delete {id} by {actor}");
        Items.RemoveAll(i => i.Id == id);
        return Task.CompletedTask;
    }

    public Task RetryNowAsync(string actor, string id, CancellationToken cancellationToken)
    {
        Calls.Add($"retry {id}");
        return Task.CompletedTask;
    }

    public Task<QueueDetails?> DetailsAsync(string id, CancellationToken cancellationToken) => Task.FromResult<QueueDetails?>(null);

    public Task SetHeldAsync(string actor, string id, bool held, CancellationToken cancellationToken)
    {
        Calls.Add($"{(held ? "hold" : "release")} {id}");
        var i = Items.FindIndex(x => x.Id == id);
        Items[i] = Items[i] with { Held = held };
        return Task.CompletedTask;
    }

    public Task<int> FlushAsync(string actor, QueueFilter filter, CancellationToken cancellationToken) => Bulk("flush", filter);

    public Task<int> RetryAllAsync(string actor, QueueFilter filter, CancellationToken cancellationToken) => Bulk("retry all", filter);

    public Task<int> DeleteDeferredAsync(string actor, QueueFilter filter, CancellationToken cancellationToken) => Bulk("delete deferred", filter);

    private Task<int> Bulk(string what, QueueFilter filter)
    {
        Calls.Add(what);
        LastFilter = filter;
        return Task.FromResult(Items.Count(i => filter.Matches(i, DateTime.UtcNow)));
    }
}

/// <summary>A settings editor that refuses with the errors given, or accepts and counts.</summary>
public sealed class FakeSettingsEditor : ISettingsEditor
{
    public IReadOnlyList<SettingsError>? Refuse { get; set; }
    public List<string> Actions { get; } = [];

    public Task<long> UpdateAsync(string actor, string action, Action<SettingsData, MailHostDbContext> edit, CancellationToken cancellationToken)
    {
        if (Refuse is { } errors)
        {
            throw new SettingsValidationException(errors);
        }
        Actions.Add(action);
        return Task.FromResult(2L);
    }
}

public sealed class FakeEngineStatus : IEngineStatus
{
    public MailHostSnapshot Snapshot => throw new NotSupportedException("not used by these pages");
    public long AppliedRevision => 2;
    public IReadOnlyList<ListenerRuntime> Listeners() => [];
    public IReadOnlyList<string> SnapshotErrors => [];
}

/// <summary>A real migrated settings.db in a temporary folder (the pages read through EF).</summary>
public sealed class TempDatabase : IDbContextFactory<MailHostDbContext>, IDbContextFactory<LogsDbContext>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mh-bunit-" + Guid.NewGuid().ToString("N"));

    public TempDatabase()
    {
        MailHostDatabase.Migrate(_dir);
        LogsDatabase.Migrate(_dir);
    }

    public MailHostDbContext CreateDbContext() => new(MailHostDatabase.Options(_dir));

    LogsDbContext IDbContextFactory<LogsDbContext>.CreateDbContext() => new(LogsDatabase.Options(_dir));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
