namespace MailHost.Server.Hosting;

public enum ListenerState
{
    Bound,
    Failed,
    Draining,
}

/// <summary>What the engine did with a configured listener; shown by status, the CLI and the console.</summary>
public sealed record ListenerStatus(int Id, string Name, ListenerProtocol Protocol, string EndPoint, TlsMode TlsMode, ListenerState State, string? Error, int Connections, long Revision);
