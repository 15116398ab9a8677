using System.Text;

namespace MailHost.Server.Imap;

/// <summary>
/// Base-subject extraction exactly as RFC 5256 §2.1 describes it (SORT SUBJECT, THREAD): the
/// subject with "Re:", "Fwd:", "[blob]" leaders, "(fwd)" trailers and "[fwd: ...]" wrappers
/// removed, whitespace collapsed. Also reports whether anything that marks a reply or forward was
/// removed (THREAD=REFERENCES step 6 prefers a non-reply as the subject's representative).
/// </summary>
public static class BaseSubject
{
    /// <summary>The base subject of an already RFC 2047-decoded subject, and whether it was a reply/forward.</summary>
    public static (string Base, bool IsReply) Extract(string? decodedSubject)
    {
        // (1) tabs and continuations become a space, runs of whitespace one space.
        var text = Collapse(decodedSubject ?? "");
        var isReply = false;
        while (true)
        {
            // (2) trailing "(fwd)" and whitespace.
            text = StripTrailers(text);
            // (3)-(5) leaders and leading blobs, repeated until neither applies.
            while (true)
            {
                var changed = false;
                if (StripLeader(ref text, ref isReply))
                {
                    changed = true;
                }
                if (StripBlob(ref text))
                {
                    changed = true;
                }
                if (!changed)
                {
                    break;
                }
            }
            // (6) "[fwd:" ... "]" wrapper: remove and start again at (2).
            if (text.Length >= 6 && text.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && text.EndsWith(']'))
            {
                text = text[5..^1];
                isReply = true;
                continue;
            }
            return (text, isReply);
        }
    }

    private static string Collapse(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                space = true;
                continue;
            }
            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }
            space = false;
            sb.Append(c);
        }
        if (space && sb.Length > 0)
        {
            sb.Append(' ');
        }
        // Leading whitespace is a subj-leader (WSP) and goes in step 3 anyway; keep the text as collapsed.
        return sb.ToString();
    }

    /// <summary>subj-trailer = "(fwd)" / WSP, removed repeatedly from the end.</summary>
    private static string StripTrailers(string s)
    {
        while (true)
        {
            if (s.EndsWith(' '))
            {
                s = s[..^1];
            }
            else if (s.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase))
            {
                s = s[..^5];
            }
            else
            {
                return s;
            }
        }
    }

    /// <summary>
    /// subj-leader = (*subj-blob subj-refwd) / WSP, where subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
    /// and subj-blob = "[" *BLOBCHAR "]" *WSP. Removes one leader; true when it did.
    /// </summary>
    private static bool StripLeader(ref string s, ref bool isReply)
    {
        if (s.StartsWith(' '))
        {
            s = s[1..];
            return true;
        }
        var pos = 0;
        while (TryBlob(s, pos, out var afterBlob))
        {
            pos = afterBlob;
        }
        if (TryRefwd(s, pos, out var end))
        {
            s = s[end..];
            isReply = true;
            return true;
        }
        return false;
    }

    /// <summary>Step 4: a leading subj-blob goes when what remains is a non-empty subj-base.</summary>
    private static bool StripBlob(ref string s)
    {
        if (!TryBlob(s, 0, out var end))
        {
            return false;
        }
        var rest = s[end..];
        if (rest.Length == 0 || rest[0] == ' ')
        {
            // subj-base starts with a non-WSP character; the blob's *WSP already ate spaces, so this is empty.
            return false;
        }
        s = rest;
        return true;
    }

    private static bool TryBlob(string s, int pos, out int end)
    {
        end = pos;
        if (pos >= s.Length || s[pos] != '[')
        {
            return false;
        }
        var i = pos + 1;
        while (i < s.Length && s[i] is not ('[' or ']'))
        {
            i++;
        }
        if (i >= s.Length || s[i] != ']')
        {
            return false;
        }
        i++;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        end = i;
        return true;
    }

    private static bool TryRefwd(string s, int pos, out int end)
    {
        end = pos;
        int i;
        if (At(s, pos, "re"))
        {
            i = pos + 2;
        }
        else if (At(s, pos, "fwd"))
        {
            i = pos + 3;
        }
        else if (At(s, pos, "fw"))
        {
            i = pos + 2;
        }
        else
        {
            return false;
        }
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        if (TryBlob(s, i, out var afterBlob))
        {
            i = afterBlob;
        }
        if (i >= s.Length || s[i] != ':')
        {
            return false;
        }
        end = i + 1;
        return true;
    }

    private static bool At(string s, int pos, string word) =>
        pos + word.Length <= s.Length && string.Compare(s, pos, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0;
}
