using System.Buffers;
using System.Text;
using MailHost.Server.Smtp;

namespace MailHost.Server.Tests.Smtp;

public sealed class DataReceiverTests
{
    private static (bool Done, string Output, string Remaining, bool Bare) Run(string input, int chunk)
    {
        var receiver = new DataReceiver();
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.ASCII.GetBytes(input);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            var piece = new ReadOnlySequence<byte>(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
            if (receiver.Feed(piece, output, out var consumed))
            {
                var rest = Encoding.ASCII.GetString(bytes, i + (int)piece.Slice(0, consumed).Length, bytes.Length - i - (int)piece.Slice(0, consumed).Length);
                return (true, Encoding.ASCII.GetString(output.WrittenSpan), rest, receiver.SawBareLineEnding);
            }
        }
        return (false, Encoding.ASCII.GetString(output.WrittenSpan), "", receiver.SawBareLineEnding);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Feed_EndsAtCrLfDotCrLf_UnstuffsDots_KeepsRest(int chunk)
    {
        var (done, output, rest, bare) = Run("Subject: x\r\n\r\n..dot\r\n.\r\nQUIT\r\n", chunk);
        Assert.True(done);
        Assert.Equal("Subject: x\r\n\r\n.dot\r\n", output);
        Assert.Equal("QUIT\r\n", rest);
        Assert.False(bare);
    }

    [Fact]
    public void Feed_EmptyMessage_EndsImmediately()
    {
        var (done, output, _, _) = Run(".\r\n", 1);
        Assert.True(done);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("a\n.\nb\r\n.\r\n")]
    [InlineData("a\n.\r\nb\r\n.\r\n")]
    [InlineData("a\r.\rb\r\n.\r\n")]
    [InlineData("a\r\n.\nb\r\n.\r\n")]
    [InlineData("a\r\n.\r\rb\r\n.\r\n")]
    [InlineData("a\rb\r\n.\r\n")]
    public void Feed_SmugglingVariants_DoNotEnd_AndAreFlagged(string input)
    {
        foreach (var chunk in new[] { 1, 3, 100 })
        {
            var (done, output, rest, bare) = Run(input, chunk);
            Assert.True(done);
            Assert.True(bare);
            Assert.Equal("", rest);
            Assert.EndsWith("b\r\n", output);
        }
    }

    [Fact]
    public void Feed_WithoutTerminator_NeedsMore()
    {
        var (done, output, _, _) = Run("abc\r\n.", 2);
        Assert.False(done);
        Assert.Equal("abc\r\n", output);
    }
}
