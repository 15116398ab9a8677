using System.Text.RegularExpressions;

namespace MailHost.Server.Mime;

/// <summary>RFC 5322 §3.3 dates, lenient about the day name, seconds, zone names and comments.</summary>
public static partial class DateParser
{
    [GeneratedRegex(@"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]+)?")]
    private static partial Regex Pattern();

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static bool TryParse(string value, out DateTimeOffset date)
    {
        date = default;
        var m = Pattern().Match(value ?? "");
        if (!m.Success)
        {
            return false;
        }
        var month = Array.IndexOf(Months, m.Groups[2].Value.ToLowerInvariant()) + 1;
        if (month == 0)
        {
            return false;
        }
        var day = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var year = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        if (year < 100)
        {
            year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3 obsolete two-digit years
        }
        var hour = int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
        var second = m.Groups[6].Success ? int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture) : 0;
        var offset = TimeSpan.Zero;
        var zone = m.Groups[7].Value;
        if (zone.Length == 5 && zone[0] is '+' or '-')
        {
            var minutes = int.Parse(zone[1..3], CultureInfo.InvariantCulture) * 60 + int.Parse(zone[3..5], CultureInfo.InvariantCulture);
            offset = TimeSpan.FromMinutes(zone[0] == '-' ? -minutes : minutes);
        }
        try
        {
            date = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
