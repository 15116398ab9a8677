"""IMAP benchmark helper for bench/imap-vs-dovecot.sh (stdlib only, loopback only).

  generate N MAILDIR          write N varied ~4 KB messages into MAILDIR/cur (Dovecot's maildir; also the APPEND source)
  append PORT USER PASS MAILDIR   APPEND every file of MAILDIR/cur to INBOX (LITERAL+, pipelined, 4 connections)
  count PORT USER PASS        print the number of messages in INBOX
  fetch PORT USER PASS ITEM   time `UID FETCH 1:* (ITEM)` on INBOX; prints JSON {"messages":..,"seconds":..,"msgsPerSecond":..}

A raw socket client, not imaplib: imaplib turns every literal into Python tuples, which would make the client the
bottleneck for both servers alike and hide the difference being measured.
"""
import json
import os
import random
import socket
import sys
import threading
import time

HOST = "127.0.0.1"

FIRST = ["Anna", "Ben", "Chloe", "David", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Lars", "Maya", "Noah"]
LAST = ["Keller", "Okafor", "Martin", "Nguyen", "Rossi", "Schmidt", "Tanaka", "Dubois", "Silva", "Novak", "Kowalski"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example", "lists.example.org"]
WORDS = ("quarterly report meeting agenda budget review invoice attached please find below thanks regards project "
         "deadline update schedule release notes customer feedback server migration backup weekend holiday team "
         "lunch offsite travel expenses approval contract draft revision comments summary minutes action items").split()


def person(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    return f"{f} {l}", f"{f.lower()}.{l.lower()}@{rng.choice(DOMAINS)}"


def paragraph(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    lines, line = [], []
    for w in words:
        line.append(w)
        if sum(len(x) + 1 for x in line) > 68:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    return "\r\n".join(lines)


def cut(text, fraction):
    """The first fraction of a text's lines (never splitting a CRLF, which would leave a bare CR)."""
    lines = text.split("\r\n")
    return "\r\n".join(lines[: max(1, int(len(lines) * fraction))])


def message(i, rng):
    when = 1_700_000_000 + i * 97
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
    fname, faddr = person(rng)
    tname, taddr = person(rng)
    subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
    h = [
        f"Return-Path: <{faddr}>",
        f"Received: from mx{rng.randint(1, 9)}.{faddr.split('@')[1]} (mx.{faddr.split('@')[1]} [192.0.2.{rng.randint(1, 254)}])\r\n"
        f"\tby bench.local with ESMTPS id {rng.getrandbits(48):012x}\r\n\tfor <{taddr}>; {date}",
        f"From: {fname} <{faddr}>",
        f"To: {tname} <{taddr}>",
    ]
    if rng.random() < 0.4:
        cname, caddr = person(rng)
        h.append(f"Cc: {cname} <{caddr}>")
    h += [f"Subject: {'Re: ' if rng.random() < 0.3 else ''}{subject} #{i}", f"Date: {date}",
          f"Message-ID: <{i}.{rng.getrandbits(32):08x}@{faddr.split('@')[1]}>", "MIME-Version: 1.0"]
    if rng.random() < 0.2:
        h.append("List-Id: <team.lists.example.org>")
    h.append(f"X-Mailer: {rng.choice(['Thunderbird 115.4', 'Outlook 16.0', 'Apple Mail (2.3731)', 'mutt 2.2.9'])}")
    kind = rng.random()
    text = paragraph(rng, rng.randint(350, 520))
    if kind < 0.5:
        h.append("Content-Type: text/plain; charset=utf-8; format=flowed")
        h.append("Content-Transfer-Encoding: 7bit")
        body = text
    elif kind < 0.75:
        b = f"alt-{i:06d}"
        h.append(f'Content-Type: multipart/alternative; boundary="{b}"')
        half = cut(text, 1 / 2)
        body = (f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{half}\r\n"
                f"--{b}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>{half}</p></body></html>\r\n--{b}--")
    else:
        b = f"mixed-{i:06d}"
        h.append(f'Content-Type: multipart/mixed; boundary="{b}"')
        blob = bytes(rng.getrandbits(8) for _ in range(900))
        import base64
        enc = base64.encodebytes(blob).decode().replace("\n", "\r\n")
        body = (f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{cut(text, 2 / 3)}\r\n"
                f"--{b}\r\nContent-Type: application/pdf; name=\"doc-{i}.pdf\"\r\nContent-Disposition: attachment; filename=\"doc-{i}.pdf\"\r\n"
                f"Content-Transfer-Encoding: base64\r\n\r\n{enc}--{b}--")
    return ("\r\n".join(h) + "\r\n\r\n" + body + "\r\n").encode(), when


def generate(n, maildir):
    rng = random.Random(4242)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    for i in range(1, n + 1):
        data, when = message(i, rng)
        # Maildir uses LF line ends on disk; S= is the on-disk size, W= the CRLF size (Dovecot reads both, skipping a stat).
        disk = data.replace(b"\r\n", b"\n")
        path = os.path.join(maildir, "cur", f"{when}.M{i}P1.bench,S={len(disk)},W={len(data)}:2,S")
        with open(path, "wb") as f:
            f.write(disk)
        os.utime(path, (when, when))


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=300)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.r = self.sock.makefile("rb", buffering=1 << 20)
        self.line()  # greeting

    def line(self):
        """One response line with any literals folded in (returns the non-literal text only)."""
        out = b""
        while True:
            l = self.r.readline()
            if not l:
                raise ConnectionError("server closed the connection")
            out += l
            if l.endswith(b"}\r\n") and b"{" in l:
                n = int(l[l.rindex(b"{") + 1: -3].rstrip(b"+"))
                self.r.read(n)
                continue
            return out

    def cmd(self, tag, text):
        self.sock.sendall(f"{tag} {text}\r\n".encode())
        return self.until(tag)

    def until(self, tag):
        lines = []
        t = tag.encode() + b" "
        while True:
            l = self.line()
            if l.startswith(t):
                if not l[len(t):].startswith(b"OK"):
                    raise RuntimeError(l.decode(errors="replace"))
                return lines
            lines.append(l)

    def login(self, user, password):
        self.cmd("a1", f'LOGIN "{user}" "{password}"')


def append(port, user, password, maildir, connections=4):
    """Several connections at once: a single pipelined one leaves the server waiting on one fsync after another."""
    files = sorted(os.listdir(os.path.join(maildir, "cur")))
    errors = []

    def one(share):
        try:
            c = Conn(port)
            c.login(user, password)

            def send():
                for k, name in enumerate(share):
                    with open(os.path.join(maildir, "cur", name), "rb") as f:
                        data = f.read().replace(b"\n", b"\r\n")
                    c.sock.sendall(f"p{k} APPEND INBOX (\\Seen) {{{len(data)}+}}\r\n".encode() + data + b"\r\n")

            t = threading.Thread(target=send)
            t.start()
            for k in range(len(share)):
                c.until(f"p{k}")
            t.join()
            c.cmd("z", "LOGOUT")
        except Exception as e:  # noqa: BLE001 - reported below, the script fails on it
            errors.append(e)

    workers = [threading.Thread(target=one, args=(files[i::connections],)) for i in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]


def count(port, user, password):
    c = Conn(port)
    c.login(user, password)
    lines = c.cmd("s", "STATUS INBOX (MESSAGES)")
    c.cmd("z", "LOGOUT")
    for l in lines:
        if b"MESSAGES" in l:
            return int(l.split(b"MESSAGES")[1].strip(b" )\r\n"))
    raise RuntimeError("no STATUS reply")


def fetch(port, user, password, item):
    c = Conn(port)
    c.login(user, password)
    c.cmd("s", "SELECT INBOX")
    start = time.perf_counter()
    lines = c.cmd("f", f"UID FETCH 1:* ({item})")
    seconds = time.perf_counter() - start
    c.cmd("z", "LOGOUT")
    n = sum(1 for l in lines if l.startswith(b"* ") and b" FETCH " in l)
    return {"messages": n, "seconds": round(seconds, 3), "msgsPerSecond": round(n / seconds, 1)}


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "generate":
        generate(int(a[1]), a[2])
    elif a[0] == "append":
        append(int(a[1]), a[2], a[3], a[4])
    elif a[0] == "count":
        print(count(int(a[1]), a[2], a[3]))
    elif a[0] == "fetch":
        print(json.dumps(fetch(int(a[1]), a[2], a[3], a[4])))
    else:
        sys.exit(__doc__)
