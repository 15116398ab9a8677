using MailHost.Server.Auth;

namespace MailHost.Server.Tests.Smtp;

public sealed class SaslTests
{
    [Fact]
    public void Hash_ScramCountWithinCyrusSaslCap_VerifierAtFullCost()
    {
        // mbsync (Cyrus SASL) refused i=600000 with "iteration-count is too big" once IMAP offered SCRAM.
        var parts = PasswordHasher.Hash("pencil").Split('$');
        Assert.Equal(PasswordHasher.Scheme, parts[0]);
        Assert.True(int.Parse(parts[1], CultureInfo.InvariantCulture) is >= 4096 and <= 65536, parts[1]);
        Assert.Equal(PasswordHasher.Iterations, int.Parse(parts[5], CultureInfo.InvariantCulture));
        Assert.Equal(PasswordHasher.ScramIterations, PasswordHasher.ScramKeysOf(string.Join('$', parts))!.Iterations);
    }

    [Fact]
    public void Plain_RoundTrips()
    {
        Assert.True(SaslPlain.TryDecode(SaslPlain.Encode("", "alice@example.com", "p\u00e4ss"), out var authz, out var user, out var pw));
        Assert.Equal(("", "alice@example.com", "p\u00e4ss"), (authz, user, pw));
    }

    [Fact]
    public void Plain_Rfc4616Example() // RFC 4616 §4: "\0tim\0tanstaaftanstaaf"
    {
        Assert.True(SaslPlain.TryDecode("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", out var authz, out var user, out var pw));
        Assert.Equal(("", "tim", "tanstaaftanstaaf"), (authz, user, pw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("=")]
    [InlineData("not base64!")]
    [InlineData("dGlt")] // "tim": no NULs
    [InlineData("AHRpbQA=")] // empty password
    [InlineData("AAB0YW5zdGFhZg==")] // empty user
    [InlineData("AP90aW0AcHc=")] // invalid UTF-8
    public void Plain_Malformed_Refused(string input) => Assert.False(SaslPlain.TryDecode(input, out _, out _, out _));

    [Fact]
    public void Login_Decodes() => Assert.True(SaslLogin.TryDecode("YWxpY2U=", out var v) && v == "alice");
}

public sealed class ScramTests
{
    [Fact]
    public void Scram_Rfc7677Example_VerifiesAndSigns()
    {
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        var salted = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("pencil", salt, 4096, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        var stored = $"pbkdf2-sha256$4096${Convert.ToBase64String(salt)}${Convert.ToBase64String(salted)}";
        var scram = new SaslScramSha256(() => "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        var serverFirst = scram.Start("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", u => u == "user" ? stored : null);
        Assert.Equal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", serverFirst);
        var serverFinal = scram.Finish("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", serverFinal);
    }

    [Fact]
    public void Scram_WrongProof_OrUnknownUser_Fails()
    {
        var scram = new SaslScramSha256(() => "srv");
        var first = scram.Start("n,,n=ghost,r=abc", _ => null);
        Assert.NotNull(first);
        Assert.Contains(",i=" + PasswordHasher.ScramIterations.ToString(CultureInfo.InvariantCulture), first);
        Assert.Null(scram.Finish("c=biws,r=abcsrv,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.Null(new SaslScramSha256().Start("p=tls-unique,,n=user,r=abc", _ => null));
        Assert.Null(new SaslScramSha256().Start("n,,n=us=er,r=abc", _ => null));
    }
}

public sealed class StoredScramKeyTests
{
    [Fact]
    public void NewRow_HoldsNoSaltedPassword_AndVerifiesPlain()
    {
        var row = PasswordHasher.Hash("pencil", 1000);
        Assert.StartsWith(PasswordHasher.Scheme + "$", row);
        Assert.False(PasswordHasher.IsLegacy(row));
        Assert.True(PasswordHasher.Verify("pencil", row));
        Assert.False(PasswordHasher.Verify("pencil2", row));
        var keys = PasswordHasher.ScramKeysOf(row)!;
        var salted = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("pencil", keys.Salt, keys.Iterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        Assert.DoesNotContain(Convert.ToBase64String(salted), row);
    }

    [Theory]
    [InlineData("n,a=user,", true)]
    [InlineData("n,a=USER,", true)]
    [InlineData("n,a=other,", false)]
    public void Authzid_ParsedAndCompared(string gs2, bool own)
    {
        var scram = new SaslScramSha256(() => "srv");
        Assert.NotNull(scram.Start(gs2 + "n=user,r=abc", _ => PasswordHasher.Hash("pw", 1000)));
        Assert.Equal(!own, scram.AuthorizationMismatch);
    }

    [Fact]
    public void Oversized_OrTooManyAttributes_Refused()
    {
        Assert.Null(new SaslScramSha256().Start("n,,n=user,r=" + new string('x', 5000), _ => null));
        Assert.Null(new SaslScramSha256().Start("n,,n=user,r=abc" + string.Concat(Enumerable.Repeat(",x=1", 40)), _ => null));
        Assert.Null(new SaslScramSha256().Start("n,b=user,n=user,r=abc", _ => null));
    }
}
