namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>Every transcript in Transcripts/Smtp, sent whole and byte by byte against a real server.</summary>
public sealed class SmtpTranscriptTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Transcripts", "Smtp");

    public static TheoryData<string, TranscriptMode> Transcripts()
    {
        var data = new TheoryData<string, TranscriptMode>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.txt").Order())
        {
            data.Add(Path.GetFileName(file), TranscriptMode.Whole);
            data.Add(Path.GetFileName(file), TranscriptMode.ByteByByte);
        }
        return data;
    }

    [Fact]
    public void Transcripts_ArePresent() => Assert.True(Directory.EnumerateFiles(Folder, "*.txt").Count() >= 8);

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task Transcript_Replays(string file, TranscriptMode mode) =>
        await TranscriptRunner.RunAsync(Path.Combine(Folder, file), fixture.Server.Port, mode);
}
