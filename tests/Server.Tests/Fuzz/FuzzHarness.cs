using System.Diagnostics;
using System.Text;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>
/// A small seeded mutation fuzzer: takes seed inputs, mutates them (bit flips, byte inserts and
/// deletes, splices, repeats, interesting bytes such as CR, LF, NUL, '{', '"'), and runs a target on
/// each for a time budget (FUZZ_SECONDS, default 3 per target in CI). A target fails on any exception
/// its filter does not accept, or when one input runs past the per-input timeout (a hang). The run is
/// on a background thread watched from the test thread, so a hang fails the test instead of blocking it.
/// A failing input is written to a temporary folder and named in the message, to be kept under
/// Fuzz/Regressions/{target}/.
/// </summary>
public static class FuzzHarness
{
    private static readonly byte[] Interesting = "\r\n\0 \"\\{}()[]<>@:;,.%!+-*~=\t\u007f"u8.ToArray();
    private static readonly string[] Tokens = ["\r\n", "{0}\r\n", "{4294967295}\r\n", "{99999999999+}\r\n", "~{5}\r\n", "\r\n.\r\n", "\"", "NIL", "BODY[", "]", "<0.4294967295>", "1:*", "*:4294967296", "=?utf-8?B?", "?=", "=?x?Q?", "--", "boundary=", "Content-Type: multipart/mixed; boundary=b\r\n", "\r\n--b\r\n", "\r\n--b--\r\n", "Content-Transfer-Encoding: base64\r\n", "=\r\n", "=ZZ", "<", ">", "@", "\\", "SIZE=", "BODY=8BITMIME", "NOTIFY=", "ORCPT=rfc822;", "+2B", "\u00e9", "\ud83d\ude00"];

    public static TimeSpan Budget
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("FUZZ_SECONDS");
            return TimeSpan.FromSeconds(double.TryParse(env, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 3);
        }
    }

    public static readonly TimeSpan PerInputTimeout = TimeSpan.FromSeconds(2);

    public sealed record Result(long Iterations, byte[]? FailingInput, Exception? Failure, bool Hung);

    /// <summary>Runs <paramref name="target"/> on the seeds, then on mutations until the budget is spent.</summary>
    public static Result Run(string name, int seed, IReadOnlyList<byte[]> seeds, Action<byte[]> target, Func<Exception, bool> documented)
    {
        var random = new Random(seed);
        long iterations = 0;
        byte[]? current = null;
        long startedTicks = 0;
        Exception? failure = null;
        byte[]? failing = null;
        var done = false;
        var budget = Budget;
        var thread = new Thread(() =>
        {
            var watch = Stopwatch.StartNew();
            var inputs = seeds.Concat(Generate(random, seeds, () => watch.Elapsed < budget));
            foreach (var input in inputs)
            {
                Volatile.Write(ref current, input);
                Volatile.Write(ref startedTicks, Stopwatch.GetTimestamp());
                try
                {
                    target(input);
                }
                catch (Exception ex) when (!documented(ex))
                {
                    failure = ex;
                    failing = input;
                    break;
                }
                catch (Exception)
                {
                    // A documented parse error: the session answers BAD/501 and goes on.
                }
                iterations++;
            }
            Volatile.Write(ref done, true);
        })
        { IsBackground = true, Name = "fuzz " + name };
        thread.Start();
        while (!Volatile.Read(ref done))
        {
            Thread.Sleep(50);
            var started = Volatile.Read(ref startedTicks);
            if (started != 0 && !Volatile.Read(ref done) && Stopwatch.GetElapsedTime(started) > PerInputTimeout)
            {
                var input = Volatile.Read(ref current)!;
                Save(name, input);
                return new Result(iterations, input, null, Hung: true);
            }
        }
        if (failing is not null)
        {
            Save(name, failing);
        }
        return new Result(iterations, failing, failure, Hung: false);
    }

    public static void AssertPassed(string name, Result result, Xunit.Abstractions.ITestOutputHelper output)
    {
        output.WriteLine($"{name}: {result.Iterations} inputs in {Budget.TotalSeconds:0.#} s");
        if (result.FailingInput is { } input)
        {
            var path = Save(name, input);
            Assert.Fail($"{name}: {(result.Hung ? $"input ran past {PerInputTimeout}" : result.Failure!.ToString())}\ninput saved to {path}: {Show(input)}");
        }
        Assert.True(result.Iterations > 0);
    }

    private static IEnumerable<byte[]> Generate(Random random, IReadOnlyList<byte[]> seeds, Func<bool> more)
    {
        while (more())
        {
            var input = seeds[random.Next(seeds.Count)];
            var rounds = 1 + random.Next(4);
            for (var i = 0; i < rounds; i++)
            {
                input = Mutate(random, input, seeds);
            }
            yield return input;
        }
    }

    private static byte[] Mutate(Random random, byte[] input, IReadOnlyList<byte[]> seeds)
    {
        var list = new List<byte>(input);
        var at = list.Count == 0 ? 0 : random.Next(list.Count + 1);
        switch (random.Next(9))
        {
            case 0 when list.Count > 0:
                var i = random.Next(list.Count);
                list[i] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                list.Insert(at, Interesting[random.Next(Interesting.Length)]);
                break;
            case 2 when list.Count > 0:
                list.RemoveRange(Math.Min(at, list.Count - 1), Math.Min(1 + random.Next(8), list.Count - Math.Min(at, list.Count - 1)));
                break;
            case 3:
                list.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                break;
            case 4:
                var other = seeds[random.Next(seeds.Count)];
                var from = random.Next(other.Length + 1);
                list.InsertRange(at, other.Skip(from).Take(random.Next(64)));
                break;
            case 5 when list.Count > 0:
                // Repeat a slice: deep nesting, long lines, many parts.
                var start = random.Next(list.Count);
                var slice = list.Skip(start).Take(1 + random.Next(16)).ToArray();
                for (var r = random.Next(2, 200); r > 0 && list.Count < 200_000; r--)
                {
                    list.InsertRange(start, slice);
                }
                break;
            case 6 when list.Count > 0:
                list[random.Next(list.Count)] = (byte)random.Next(256);
                break;
            case 7 when list.Count > 1:
                list.RemoveRange(at == list.Count ? list.Count - 1 : at, list.Count - (at == list.Count ? list.Count - 1 : at));
                break;
            default:
                var digits = random.Next(4) switch { 0 => "0", 1 => "4294967296", 2 => "-1", _ => random.Next().ToString(CultureInfo.InvariantCulture) };
                list.InsertRange(at, Encoding.ASCII.GetBytes(digits));
                break;
        }
        return [.. list];
    }

    private static string Save(string name, byte[] input)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-fuzz-failures", name);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..16] + ".bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    private static string Show(byte[] input) =>
        string.Concat(input.Take(400).Select(b => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}"));

    /// <summary>The kept inputs of one target (copied next to the test assembly).</summary>
    public static IEnumerable<object[]> Regressions(string target)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Regressions", target);
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) })
            : [];
    }

    public static byte[] ReadRegression(string target, string file) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fuzz", "Regressions", target, file));
}
