namespace MailHost.Server.MailAuth.Dkim;

/// <summary>A DKIM key record (RFC 6376 §3.6.1) with the tags a verifier must check.</summary>
internal sealed record DkimKeyRecord(string Text, IReadOnlyList<string>? HashAlgorithms, string KeyType, string PublicKey, IReadOnlyList<string> ServiceTypes, IReadOnlyList<string> Flags)
{
    /// <summary>p= is empty: the key was revoked (§3.6.1).</summary>
    public bool Revoked => PublicKey.Length == 0;

    /// <summary>t=y: the domain is testing DKIM; results are recorded but must not change treatment (§3.6.1).</summary>
    public bool Testing => Flags.Contains("y");

    /// <summary>t=s: the i= domain must be d= itself, not a subdomain (§3.6.1).</summary>
    public bool Strict => Flags.Contains("s");

    /// <summary>Null when the text is not a well-formed key record.</summary>
    public static DkimKeyRecord? Parse(string text)
    {
        var tags = DkimTagList.Parse(text);
        if (tags is null || !tags.TryGetValue("p", out var p))
        {
            return null;
        }
        // v= is optional but, when present, must be the first tag and say DKIM1.
        if (tags.TryGetValue("v", out var v) && (v != "DKIM1" || !text.TrimStart().StartsWith('v')))
        {
            return null;
        }
        return new DkimKeyRecord(
            text,
            tags.TryGetValue("h", out var h) ? DkimTagList.ColonList(h) : null,
            tags.TryGetValue("k", out var k) ? DkimTagList.WithoutWhitespace(k).ToLowerInvariant() : "rsa",
            DkimTagList.WithoutWhitespace(p),
            tags.TryGetValue("s", out var s) ? DkimTagList.ColonList(s) : ["*"],
            tags.TryGetValue("t", out var t) ? DkimTagList.ColonList(t) : []);
    }
}
