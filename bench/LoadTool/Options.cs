namespace MailHost.Bench;

/// <summary>--name value pairs.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            o._values[args[i].TrimStart('-')] = args[i + 1];
        }
        return o;
    }

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
