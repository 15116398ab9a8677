using System.Diagnostics;

namespace MailHost.Server.Tests.MailAuth;

/// <summary>
/// dkimpy (Debian's python3-dkim, a DKIM implementation nobody here wrote) as signer and as a second
/// verifier: keys from its dknewkey, signatures from dkim.sign, verdicts from dkim.verify with the
/// key record handed in (its dnsfunc hook) instead of a DNS query.
/// </summary>
internal sealed class DkimPy : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dkimpy").FullName;

    /// <summary>Makes a key pair; returns the key file path and the DNS record text dknewkey wrote.</summary>
    public (string KeyFile, string Record) NewKey(string name, string type)
    {
        Run("/usr/bin/dknewkey", ["--ktype", type, Path.Combine(_dir, name)], null);
        return (Path.Combine(_dir, name + ".key"), File.ReadAllText(Path.Combine(_dir, name + ".dns")).Trim());
    }

    /// <summary>The DKIM-Signature field dkim.sign makes (relaxed/relaxed), ending in CRLF.</summary>
    public string Sign(byte[] message, string selector, string domain, string keyFile, string algorithm, string? identity = null)
    {
        const string script = """
            import sys, dkim
            msg = sys.stdin.buffer.read()
            key = open(sys.argv[3], 'rb').read()
            ident = sys.argv[5].encode() if sys.argv[5] else None
            sig = dkim.sign(msg, sys.argv[1].encode(), sys.argv[2].encode(), key, identity=ident,
                            canonicalize=(b'relaxed', b'relaxed'), signature_algorithm=sys.argv[4].encode(),
                            include_headers=[b'from', b'to', b'subject', b'date'])
            sys.stdout.buffer.write(sig)
            """;
        var signature = Run("/usr/bin/python3", ["-c", script, selector, domain, keyFile, algorithm, identity ?? ""], message);
        return signature.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
    }

    /// <summary>dkimpy's verdict on the first signature, the key record given directly.</summary>
    public bool Verify(byte[] message, string record)
    {
        const string script = """
            import sys, dkim
            msg = sys.stdin.buffer.read()
            rec = sys.argv[1].encode()
            print('pass' if dkim.verify(msg, dnsfunc=lambda name, timeout=5: rec) else 'fail')
            """;
        return Run("/usr/bin/python3", ["-c", script, record], message).Trim() == "pass";
    }

    private static string Run(string file, string[] args, byte[]? stdin)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{file} failed: {error}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
