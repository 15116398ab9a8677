using MailHost.Shared.Entities;
using MailHost.Shared.Validation;

namespace MailHost.Server.Tests.Settings;

public sealed class HeaderLimitValidationTests
{
    private static List<string> HeaderErrors(Action<ServerSettings> change)
    {
        var data = new SettingsData { Server = new ServerSettings { Hostname = "mx.example.com" } };
        change(data.Server);
        return [.. SettingsValidator.Validate(data)
            .Where(e => e.Field is nameof(ServerSettings.MaxHeaderBytes) or nameof(ServerSettings.MaxHeaderLineLength))
            .Select(e => $"{e.Field}: {e.Message}")];
    }

    [Fact]
    public void Validate_Defaults_NoHeaderErrors() => Assert.Empty(HeaderErrors(_ => { }));

    [Theory]
    [InlineData(1024, 1024, "MaxHeaderBytes: must be between 4 KB and 1024 KB")]
    [InlineData(2 * 1024 * 1024, 8192, "MaxHeaderBytes: must be between 4 KB and 1024 KB")]
    [InlineData(102_400, 998, "MaxHeaderLineLength: must be at least 1 KB (RFC 5322 allows 998 characters)")]
    [InlineData(8192, 16_384, "MaxHeaderLineLength: must not exceed the max header size")]
    public void Validate_HeaderLimitsOutOfRange_AreErrors(int headerBytes, int lineLength, string expected) =>
        Assert.Equal([expected], HeaderErrors(s =>
        {
            s.MaxHeaderBytes = headerBytes;
            s.MaxHeaderLineLength = lineLength;
        }));

    // A small message size (a test set-up, a tight server) needs no header limit below it: the size limit refuses first.
    [Fact]
    public void Validate_HeaderLimitOverMessageSize_IsAllowed() => Assert.Empty(HeaderErrors(s => s.MaxMessageSize = 2048));
}
