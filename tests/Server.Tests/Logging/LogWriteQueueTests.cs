using MailHost.Server.Logging;

namespace MailHost.Server.Tests.Logging;

/// <summary>The log writer's two lanes: a flood of routine records never pushes out an admin-relevant one.</summary>
public sealed class LogWriteQueueTests
{
    [Fact]
    public void Full_RoutineDropsNewest_ImportantEvictsRoutine_AllCounted()
    {
        using var queue = new LogWriteQueue(10);
        for (var i = 0; i < 15; i++)
        {
            queue.TryAdd("routine " + i, important: false);
        }
        Assert.Equal(5, queue.DroppedRoutine);

        for (var i = 0; i < 4; i++)
        {
            Assert.True(queue.TryAdd("important " + i, important: true));
        }
        Assert.Equal(9, queue.DroppedRoutine);
        Assert.Equal(0, queue.DroppedImportant);

        var batch = new List<object>();
        queue.TakeBatch(batch, 100);
        Assert.Equal(10, batch.Count);
        // Admin-relevant records are written first, and none was lost.
        Assert.Equal(["important 0", "important 1", "important 2", "important 3"], batch.Take(4).Cast<string>());
    }

    [Fact]
    public void Full_OfImportantOnly_DropsAndCountsImportant()
    {
        using var queue = new LogWriteQueue(3);
        for (var i = 0; i < 5; i++)
        {
            queue.TryAdd(i, important: true);
        }
        Assert.Equal(2, queue.DroppedImportant);
        Assert.Equal(3, queue.Count);
    }
}
