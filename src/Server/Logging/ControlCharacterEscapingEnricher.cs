using Serilog.Core;
using Serilog.Events;

namespace MailHost.Server.Logging;

/// <summary>
/// Serilog enricher that rewrites every string property value (nested ones too) through
/// <see cref="LogText.Escape"/>, so every sink (console, file) gets the escaped text. Wire it with
/// <c>loggerConfiguration.Enrich.With(new ControlCharacterEscapingEnricher())</c>; it depends on no
/// sink or hosting package.
/// </summary>
public sealed class ControlCharacterEscapingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var escaped = Escape(value);
            if (!ReferenceEquals(escaped, value))
            {
                (replaced ??= []).Add(new LogEventProperty(name, escaped));
            }
        }
        foreach (var property in replaced ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>Returns the same instance when nothing needed escaping (the common case allocates nothing).</summary>
    private static LogEventPropertyValue Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string s } when LogText.NeedsEscaping(s):
                return new ScalarValue(LogText.Escape(s));
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(Escape).ToList();
                return elements.SequenceEqual(sequence.Elements, ReferenceEqualityComparer.Instance) ? value : new SequenceValue(elements);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new { p.Name, Value = Escape(p.Value), Old = p.Value }).ToList();
                return properties.All(p => ReferenceEquals(p.Value, p.Old))
                    ? value
                    : new StructureValue(properties.Select(p => new LogEventProperty(p.Name, p.Value)), structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, Escape(e.Value))).ToList();
                return entries.Zip(dictionary.Elements).All(p => ReferenceEquals(p.First.Value, p.Second.Value)) ? value : new DictionaryValue(entries);
            default:
                return value;
        }
    }
}
