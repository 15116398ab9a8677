using System.Globalization;

namespace MailHost.Admin.Web.Backend;

/// <summary>Sizes as the console and the CLI both show and take them: megabytes (MiB), never raw bytes.</summary>
public static class SizeText
{
    public const long Megabyte = 1024 * 1024;

    /// <summary>"35 MB", "2.5 MB", "0.01 MB"; below that "&lt; 0.01 MB" (a few-hundred-byte message is not "0 MB").</summary>
    public static string Megabytes(long bytes)
    {
        var mb = bytes / (double)Megabyte;
        if (bytes > 0 && mb < 0.01)
        {
            return "< 0.01 MB";
        }
        return (mb >= 10 ? Math.Round(mb).ToString("0", CultureInfo.InvariantCulture) : mb.ToString("0.##", CultureInfo.InvariantCulture)) + " MB";
    }

    /// <summary>Parses a size in MB ("35", "35MB", "2.5 mb") into bytes; null when it is not one.</summary>
    public static long? ParseMegabytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.EndsWith("mb", StringComparison.OrdinalIgnoreCase))
        {
            t = t[..^2].TrimEnd();
        }
        return decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mb) && mb >= 0 && mb < 1_000_000
            ? (long)Math.Round(mb * Megabyte)
            : null;
    }
}
