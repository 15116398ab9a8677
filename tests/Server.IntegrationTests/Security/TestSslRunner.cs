using System.Diagnostics;
using System.Text.Json;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>One finding of testssl.sh's JSON output.</summary>
public sealed record TestSslFinding(string Id, string Severity, string Finding);

/// <summary>Runs Debian's testssl.sh (command `testssl`) against a loopback port and reads its --jsonfile.</summary>
public static class TestSslRunner
{
    public static async Task<IReadOnlyList<TestSslFinding>> RunAsync(int port, string? starttls, CancellationToken cancellationToken)
    {
        var json = Path.Combine(Path.GetTempPath(), $"testssl-{port}-{Guid.NewGuid():N}.json");
        var psi = new ProcessStartInfo("testssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        // Protocols, cipher categories, forward secrecy, server defaults and vulnerabilities; no DNS look-ups.
        string[] args = ["--quiet", "--color", "0", "--warnings", "off", "--nodns", "min", "--ip", "one", "-p", "-s", "-f", "-S", "-U", "--jsonfile", json];
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        if (starttls is not null)
        {
            psi.ArgumentList.Add("--starttls");
            psi.ArgumentList.Add(starttls);
        }
        psi.ArgumentList.Add($"127.0.0.1:{port}");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = await stdout + await stderr;
        if (!File.Exists(json))
        {
            throw new InvalidOperationException($"testssl wrote no JSON for port {port}: {text}");
        }
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json, cancellationToken));
        File.Delete(json);
        return [.. doc.RootElement.EnumerateArray().Select(e => new TestSslFinding(
            e.GetProperty("id").GetString() ?? "", e.GetProperty("severity").GetString() ?? "", e.GetProperty("finding").GetString() ?? ""))];
    }
}
