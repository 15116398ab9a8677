using MailHost.Server.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace MailHost.Server.Tests.Logging;

public sealed class LogEscapingTests
{
    private sealed class CollectingSink : ILogEventSink
    {
        public List<string> Lines { get; } = [];

        public void Emit(LogEvent logEvent) => Lines.Add(logEvent.RenderMessage(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("nul\0esc\u001bdel\u007f", @"nul\x00esc\x1Bdel\x7F")]
    [InlineData("c1\u0085ls\u2028ps\u2029", @"c1\x85ls\u2028ps\u2029")]
    [InlineData("ünïcødé", "ünïcødé")]
    public void Escape_ControlCharacters_Visible(string input, string expected) =>
        Assert.Equal(expected, LogText.Escape(input));

    [Fact]
    public void Enricher_ScalarSequenceAndStructure_NoRawControlCharacterReachesSink()
    {
        var sink = new CollectingSink();
        using (var logger = new LoggerConfiguration().Enrich.With(new ControlCharacterEscapingEnricher()).WriteTo.Sink(sink).CreateLogger())
        {
            logger.Information("login {User} failed", "x\r\nFORGED line");
            logger.Information("names {Names}", (object)new[] { "a\nb", "ok" });
            logger.Information("who {@Who}", new { Name = "c\rd" });
        }
        Assert.Equal("login \"x\\r\\nFORGED line\" failed", sink.Lines[0]);
        Assert.Equal("names [\"a\\nb\", \"ok\"]", sink.Lines[1]);
        Assert.Equal("who { Name: \"c\\rd\" }", sink.Lines[2]);
        Assert.DoesNotContain(sink.Lines, l => l.Contains('\r', StringComparison.Ordinal) || l.Contains('\n', StringComparison.Ordinal));
    }
}
