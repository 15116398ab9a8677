using System.Text;

namespace MailHost.Server.Tests.Fuzz;

/// <summary>Seed corpora: RFC examples and commands real clients send (swaks, Postfix, Thunderbird, mbsync, imaplib).</summary>
public static class FuzzSeeds
{
    private static List<byte[]> Bytes(IEnumerable<string> texts) => [.. texts.Select(t => Encoding.UTF8.GetBytes(t))];

    public static readonly IReadOnlyList<byte[]> Smtp = Bytes(
    [
        "EHLO mail.example.org", "HELO [192.0.2.1]", "EHLO [IPv6:2001:db8::1]",
        "MAIL FROM:<alice@example.org>", "MAIL FROM:<> BODY=8BITMIME SIZE=12345", "MAIL FROM:<j\u00f6ran@b.example> SMTPUTF8",
        "MAIL FROM:<a@b.example> RET=HDRS ENVID=QQ314159+2Bx REQUIRETLS", "MAIL FROM: <sp@example.org>",
        "RCPT TO:<bob@example.com>", "RCPT TO:<Postmaster>", "RCPT TO:<@hosta.int,@jkl.org:userc@d.bar.org>",
        "RCPT TO:<\"quoted \\\"local\\\" @ part\"@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.com",
        "RCPT TO:<user@[IPv6:::1]>", "RCPT TO:<user%remote@example.com>", "DATA", "BDAT 1000", "BDAT 0 LAST",
        "AUTH PLAIN AGFsaWNlAHB3", "AUTH LOGIN", "AUTH PLAIN =", "STARTTLS", "RSET", "NOOP hello", "QUIT", "VRFY alice",
        "EXPN list", "HELP", "XCLIENT ADDR=1.2.3.4",
    ]);

    public static readonly IReadOnlyList<byte[]> Imap = Bytes(
    [
        "a001 CAPABILITY\r\n", "a002 LOGIN SMITH SESAME\r\n", "A003 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n",
        "a004 AUTHENTICATE PLAIN AGFsaWNlAHB3\r\n", "A142 SELECT INBOX\r\n", "A932 EXAMINE blurdybloop\r\n",
        "A682 LIST \"\" *\r\n", "A101 LIST \"\" \"\"\r\n", "A202 LIST ~/Mail/ %\r\n", "a LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN SPECIAL-USE)\r\n",
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES SIZE)\r\n", "A003 APPEND saved-messages (\\Seen) {310}\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>\r\nSubject: afternoon meeting\r\nTo: mooch@owatagu.siam.edu.example\r\nMessage-Id: <B27397-0100000@Blurdybloop.example>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n\r\n",
        "A003 APPEND INBOX (\\Seen) \"07-Feb-1994 21:52:25 -0800\" {5+}\r\nhello\r\n", "a APPEND INBOX ~{3}\r\nabc\r\n",
        "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n", "A654 FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])\r\n",
        "a FETCH 1 (BODY[1.2.MIME] BODY[]<0.2048> BINARY.PEEK[1] BINARY.SIZE[1] BODYSTRUCTURE ENVELOPE INTERNALDATE)\r\n", "a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n",
        "A003 STORE 2:4 +FLAGS (\\Deleted)\r\n", "a UID STORE 1,3:5 -FLAGS.SILENT ($Forwarded \\Seen)\r\n",
        "A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n", "A284 SEARCH CHARSET UTF-8 TEXT {12}\r\n\u00e9t\u00e9 ok\r\n",
        "a UID SEARCH OR (SUBJECT hi LARGER 100) (UNSEEN BEFORE 01-Jan-2000) HEADER X-Foo bar UID 1:*\r\n",
        "a COPY 2:4 MEETING\r\n", "a UID MOVE 42 Archive\r\n", "a UID EXPUNGE 3000:3002\r\n", "a IDLE\r\n", "DONE\r\n",
        "a ENABLE CONDSTORE UTF8=ACCEPT\r\n", "a ID (\"name\" \"mbsync\" \"version\" \"1.4\")\r\n", "a NAMESPACE\r\n", "a GETQUOTAROOT INBOX\r\n",
        "a CREATE \"a/b\"\r\n", "a RENAME \"a\" \"b\"\r\n", "a DELETE foo\r\n", "a SUBSCRIBE \"&ZeVnLIqe-\"\r\n", "a UNSELECT\r\n", "a CLOSE\r\n", "a LOGOUT\r\n",
    ]);

    public static readonly IReadOnlyList<byte[]> Mime = Bytes(
    [
        "From: Nathaniel Borenstein <nsb@bellcore.com>\r\nTo: Ned Freed <ned@innosoft.com>\r\nDate: Sun, 21 Mar 1993 23:56:48 -0800 (PST)\r\nSubject: Sample message\r\nMIME-Version: 1.0\r\nContent-type: multipart/mixed; boundary=\"simple boundary\"\r\n\r\nThis is the preamble.\r\n--simple boundary\r\n\r\nThis is implicitly typed plain US-ASCII text.\r\n--simple boundary\r\nContent-type: text/plain; charset=us-ascii\r\n\r\nThis is explicitly typed plain US-ASCII text.\r\n\r\n--simple boundary--\r\n\r\nThis is the epilogue.\r\n",
        "MIME-Version: 1.0\r\nFrom: Keith Moore <moore@cs.utk.edu>\r\nTo: Keld J\u00f8rn Simonsen <keld@dkuug.dk>\r\nCC: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\nSubject: =?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 =\r\nsoft break\r\n",
        "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=boundary42\r\n\r\n--boundary42\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n... plain text version of message goes here ...\r\n\r\n--boundary42\r\nContent-Type: text/enriched\r\n\r\n... RFC 1896 text/enriched version of same message goes here ...\r\n\r\n--boundary42--\r\n",
        "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\nFrom: inner@x\r\nSubject: inner\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nFrom: digest@x\r\n\r\nbody\r\n--d--\r\n--outer\r\nContent-Type: application/octet-stream; name*0*=utf-8''%E2%82%AC; name*1=\".bin\"\r\nContent-Disposition: attachment; filename=\"a b.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ=\r\n--outer--\r\n",
        "Received: from x by y; Mon, 7 Feb 1994 21:52:25 -0800\r\nDate: 7 Feb 94 21:52 PST\r\nFrom: \"Joe Q. Public\" <john.q.public@example.com>\r\nTo: Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>\r\nCc: <boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>\r\nBcc: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\r\nReply-To: Undisclosed recipients:;\r\nMessage-ID: <5678.21-Nov-1997@example.com>\r\nIn-Reply-To: <1234@local.machine.example>\r\n\r\nHi.\r\n",
        "Subject: no body",
        "Content-Type: text/plain\n\nbare LF message\n",
    ]);
}
