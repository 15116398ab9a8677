using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>Resident memory of a process, in KB: RSS, and PSS (shared pages split by sharer) when the kernel offers it.</summary>
public readonly record struct MemorySample(long RssKb, long? PssKb)
{
    /// <summary>PSS where known (it does not count the shared runtime twice), RSS otherwise.</summary>
    public long Kb => PssKb ?? RssKb;

    public override string ToString() => PssKb is { } pss ? $"RSS {RssKb / 1024} MB, PSS {pss / 1024} MB" : $"RSS {RssKb / 1024} MB";
}

/// <summary>
/// (Here, not in Infrastructure/: Admin.Web.Tests compiles that folder and has no diagnostics client.)
/// Reads a MailHost process's memory (from /proc) the same way in every abuse test. <see cref="SettleAsync"/>
/// first induces a blocking full GC in that process over the runtime's diagnostics socket (as
/// dotnet-gcdump does), so garbage that has not been collected yet is not mistaken for growth.
/// </summary>
public static class ServerProcessMemory
{
    // Microsoft-Windows-DotNETRuntime keywords: GC (0x1) and GCHeapCollect (0x800000), which makes the runtime run an induced gen-2 GC when the session starts.
    private const long GcKeywords = 0x1 | 0x800000;

    public static MemorySample Read(int pid) => new(RssKb(pid), PssKb(pid));

    public static long RssKb(int pid) => StatusKb($"/proc/{pid}/status", "VmRSS:") ?? throw new InvalidOperationException($"no VmRSS for process {pid}");

    public static long? PssKb(int pid) => StatusKb($"/proc/{pid}/smaps_rollup", "Pss:");

    /// <summary>Forces a full GC in <paramref name="pid"/>, lets the runtime decommit, then reads its memory.</summary>
    public static async Task<MemorySample> SettleAsync(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        else
        {
            await InduceGcAsync(pid);
        }
        // Decommit of freed regions follows the GC; give it a moment instead of sampling mid-way.
        await Task.Delay(500);
        return Read(pid);
    }

    private static async Task InduceGcAsync(int pid)
    {
        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession([new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcKeywords)], requestRundown: false, circularBufferMB: 16);
        // The events must be drained or the session stalls; their content is not needed.
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        await Task.Delay(1500);
        await session.StopAsync(CancellationToken.None);
        await drain.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static long? StatusKb(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
