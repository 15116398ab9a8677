namespace MailHost.Admin.Web.Logs;

/// <summary>One CSV field: RFC 4180 quoting plus the OWASP CSV-injection guard.</summary>
public static class CsvCell
{
    /// <summary>
    /// A leading =, +, -, @, TAB or CR makes spreadsheets treat the cell as a formula (OWASP
    /// "CSV Injection"): such a cell is prefixed with a quote so it is shown as text.
    /// </summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
