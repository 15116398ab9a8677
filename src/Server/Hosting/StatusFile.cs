using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Hosting;

/// <summary>
/// status.json in the data folder: the running server's listener states, so `mailhost status` in
/// another process can show them. Written atomically (temp file + rename).
/// </summary>
public sealed class StatusFile(IOptions<MailHostOptions> options)
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public string Path => System.IO.Path.Combine(options.Value.FullDataDir, "status.json");

    public void Write(IReadOnlyList<ListenerStatus> listeners)
    {
        var doc = new ServerStatus(Environment.ProcessId, DateTime.UtcNow, listeners);
        var temp = Path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(doc, Json));
        File.Move(temp, Path, overwrite: true);
    }

    public static ServerStatus? Read(string dataDir)
    {
        var path = System.IO.Path.Combine(dataDir, "status.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<ServerStatus>(File.ReadAllText(path), Json) : null;
    }
}

public sealed record ServerStatus(int ProcessId, DateTime WrittenUtc, IReadOnlyList<ListenerStatus> Listeners);
