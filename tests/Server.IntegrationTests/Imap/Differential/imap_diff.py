# Appends every .eml file of a corpus to one IMAP server with Python's imaplib and prints, per message,
# the FETCH items the differential test compares, as JSON (one object per message, keyed by file name).
# usage: imap_diff.py HOST PORT TLS(0|1) USER PASSWORD MAILBOX CORPUS_DIR [PATHS_JSON]
# PATHS_JSON (written by the reference run) names the part numbers to fetch for each message, so both
# servers are asked for the same sections; without it the parts come from this server's BODYSTRUCTURE.
import imaplib, json, os, re, ssl, sys

host, port, tls, user, password, mailbox, corpus = sys.argv[1:8]
paths_in = json.load(open(sys.argv[8])) if len(sys.argv) > 8 else None

if tls == '1':
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    m = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx)
else:
    m = imaplib.IMAP4(host, int(port))
m.login(user, password)
typ, _ = m.create(mailbox)
assert typ == 'OK', typ
m.select(mailbox)

def raw_response(data):
    """imaplib's FETCH data (bytes and (prefix, literal) tuples) joined back into one response text."""
    out = b''
    for d in data:
        if isinstance(d, tuple):
            out += d[0] + b'\r\n' + d[1]
        elif d is not None:
            out += d
    return out

def text_of(b):
    """A string value: UTF-8 text when it is valid UTF-8, else its bytes as Latin-1 under another key."""
    try:
        return {'s': b.decode('utf-8')}
    except UnicodeDecodeError:
        return {'s8': b.decode('latin-1')}

class Parser:
    """IMAP response values (RFC 9051 §4): atoms, numbers, quoted strings, literals, NIL and lists."""
    def __init__(self, b): self.b, self.i = b, 0
    def ws(self):
        while self.i < len(self.b) and self.b[self.i:self.i+1] in (b' ', b'\r', b'\n'): self.i += 1
    def value(self):
        self.ws()
        c = self.b[self.i:self.i+1]
        if c == b'(':
            self.i += 1; items = []
            while True:
                self.ws()
                if self.b[self.i:self.i+1] == b')': self.i += 1; return items
                items.append(self.value())
        if c == b'"':
            self.i += 1; s = b''
            while self.b[self.i:self.i+1] != b'"':
                if self.b[self.i:self.i+1] == b'\\': self.i += 1
                s += self.b[self.i:self.i+1]; self.i += 1
            self.i += 1
            return text_of(s)
        if c == b'{':
            close = self.b.index(b'}', self.i)
            n = int(self.b[self.i+1:close].rstrip(b'+'))
            start = close + 3  # }\r\n
            self.i = start + n
            return text_of(self.b[start:start+n])
        mt = re.compile(rb'[^ ()\r\n]+(\[[^\]]*\](<\d+>)?)?').match(self.b, self.i)
        tok = mt.group(0); self.i = mt.end()
        if tok.upper() == b'NIL': return None
        if tok.isdigit(): return int(tok)
        return tok.decode('latin-1')

def fetch(uid, item):
    """The one FETCH data item asked for, parsed; or the tagged status when the server refused."""
    try:
        typ, data = m.uid('FETCH', uid, '(' + item + ')')
    except imaplib.IMAP4.error as e:
        return {'status': 'BAD'}
    if typ != 'OK':
        # Only the response code counts (RFC 9051 §7.1): the human-readable text differs between servers.
        code = re.match(r'\[([A-Z-]+)', raw_response(data).decode('latin-1'))
        return {'status': typ, 'code': code.group(1) if code else None}
    # imaplib has taken each "* n FETCH (...)" apart into "n (...)" pieces; a server may send
    # several untagged FETCH responses (say, a FLAGS update first): look at each.
    responses, current = [], b''
    for d in data:
        if d is None:
            continue
        head = d[0] if isinstance(d, tuple) else d
        if re.match(rb'\d+ \(', head) and current:
            responses.append(current); current = b''
        current += d[0] + b'\r\n' + d[1] if isinstance(d, tuple) else d
    if current:
        responses.append(current)
    wanted = item.upper().replace('.PEEK', '')
    for text in responses:
        p = Parser(text)
        p.value()  # sequence number
        items = p.value()
        for k, v in zip(items[0::2], items[1::2]):
            if isinstance(k, str) and k.upper().split('<')[0] == wanted:
                return v
    return {'status': 'missing'}

def is_multipart(bs):
    return isinstance(bs, list) and len(bs) > 0 and isinstance(bs[0], list)

def inner_of(bs):
    """The encapsulated message's body structure of a message/rfc822 part, else None."""
    if isinstance(bs, list) and len(bs) > 8 and isinstance(bs[0], dict) and bs[0].get('s', '').upper() == 'MESSAGE' and isinstance(bs[8], list):
        return bs[8]
    return None

def parts_below(bs, num):
    """Part numbers inside part NUM (RFC 9051 §6.4.5): a multipart's children, an encapsulated message's parts."""
    if is_multipart(bs):
        found = []
        for n, child in enumerate([c for c in bs if isinstance(c, list)], 1):
            found.append(f'{num}{n}')
            found += parts_below(child, f'{num}{n}.')
        return found
    inner = inner_of(bs)
    if inner is None:
        return []
    return parts_below(inner, num) if is_multipart(inner) else [num + '1'] + parts_below(inner, num + '1.')

def parts(bs):
    if not isinstance(bs, list):
        return []
    return parts_below(bs, '') if is_multipart(bs) else ['1'] + parts_below(bs, '1.')

def low(v):
    return {k: x.lower() for k, x in v.items()} if isinstance(v, dict) else v

def low_params(p):
    """Parameter names are case-insensitive (RFC 2045 §5.1), their values mostly not: only names are folded."""
    return [low(x) if i % 2 == 0 else x for i, x in enumerate(p)] if isinstance(p, list) else p

def low_disposition(d):
    return [low(d[0]), low_params(d[1])] + d[2:] if isinstance(d, list) and len(d) >= 2 else d

def fold_case(bs):
    """A BODY/BODYSTRUCTURE with the case-insensitive tokens (type, subtype, parameter names, transfer
    encoding, disposition type: RFC 2045 §5.1, §6.1, RFC 2183 §2) in lower case, so servers that differ
    only in how they spell them compare equal."""
    if not isinstance(bs, list):
        return bs
    bs = list(bs)
    if is_multipart(bs):
        k = 0
        while k < len(bs) and isinstance(bs[k], list):
            bs[k] = fold_case(bs[k]); k += 1
        if k < len(bs): bs[k] = low(bs[k])
        if k + 1 < len(bs): bs[k + 1] = low_params(bs[k + 1])
        if k + 2 < len(bs): bs[k + 2] = low_disposition(bs[k + 2])
        return bs
    for i in (0, 1, 5):
        if i < len(bs): bs[i] = low(bs[i])
    if len(bs) > 2: bs[2] = low_params(bs[2])
    kind = (bs[0] or {}).get('s', '') if isinstance(bs[0], dict) else ''
    if inner_of(bs) is not None:
        bs[8] = fold_case(bs[8]); disp = 11
    elif kind == 'text':
        disp = 9
    else:
        disp = 8
    if disp < len(bs): bs[disp] = low_disposition(bs[disp])
    return bs

result, paths = {}, {}
for name in sorted(os.listdir(corpus)):
    if not name.endswith('.eml'): continue
    print(name, file=sys.stderr, flush=True)
    raw = open(os.path.join(corpus, name), 'rb').read()
    # imaplib.append rewrites line endings to CRLF; the corpus must reach the server byte for byte.
    m.literal = raw
    typ, data = m._simple_command('APPEND', mailbox)
    if typ != 'OK':
        result[name] = {'APPEND': typ}
        continue
    m.noop()
    typ, data = m.uid('SEARCH', 'ALL')
    uid = data[0].split()[-1].decode()
    r = {}
    for item in ['BODYSTRUCTURE', 'BODY', 'ENVELOPE', 'RFC822.SIZE', 'BODY.PEEK[HEADER]', 'BODY.PEEK[TEXT]']:
        r[item] = fetch(uid, item)
    r['BODYSTRUCTURE'] = fold_case(r['BODYSTRUCTURE'])
    r['BODY'] = fold_case(r['BODY'])
    typ, data = m.uid('FETCH', uid, '(BODY.PEEK[])')
    whole = b''.join(d[1] for d in data if isinstance(d, tuple))
    r['len(BODY[])'] = len(whole)
    r['BODY[] has bare LF'] = re.search(rb'(?<!\r)\n', whole) is not None
    own = parts(r['BODYSTRUCTURE'])
    r = {k: json.dumps(v, sort_keys=True, ensure_ascii=False) for k, v in r.items()}
    paths[name] = paths_in.get(name, own) if paths_in is not None else own
    # BINARY last: a part Dovecot cannot decode makes it fail the message's later FETCHes in the session.
    items = [f'BODY.PEEK[{p}]' for p in paths[name][:40]] + [f'BODY.PEEK[{p}.MIME]' for p in paths[name][:40]]
    items += ['BINARY.SIZE[]'] + [f'BINARY.SIZE[{p}]' for p in paths[name][:40]]
    for item in items:
        r[item] = json.dumps(fetch(uid, item), sort_keys=True, ensure_ascii=False)
    result[name] = r
m.logout()
json.dump({'messages': result, 'paths': paths}, sys.stdout, ensure_ascii=True, sort_keys=True)
