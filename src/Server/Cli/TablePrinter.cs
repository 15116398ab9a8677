namespace MailHost.Server.Cli;

/// <summary>Prints rows as aligned columns for the terminal.</summary>
internal static class TablePrinter
{
    public static void Print(TextWriter output, string[] headers, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    public static string YesNo(bool value) => value ? "yes" : "no";
}
