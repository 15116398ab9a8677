using MailHost.Admin.Web.Logs;

namespace MailHost.Admin.Web.Tests.Security;

public sealed class CsvCellTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=cmd", "'\t=cmd")]
    [InlineData("\r=cmd", "\"'\r=cmd\"")]
    public void Escape_FormulaTrigger_PrefixedWithQuote(string value, string expected) =>
        Assert.Equal(expected, CsvCell.Escape(value));

    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void Escape_PlainOrQuoted_Rfc4180(string value, string expected) =>
        Assert.Equal(expected, CsvCell.Escape(value));
}
