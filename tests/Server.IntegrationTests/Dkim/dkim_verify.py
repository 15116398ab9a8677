# Verifies a DKIM-signed message (stdin) with dkimpy, fetching the key TXT record from the test DNS server.
import sys

import dkim
import dns.resolver

resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = ["127.0.0.1"]
resolver.port = int(sys.argv[1])


def dnsfunc(name, timeout=5):
    answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
    return b"".join(b"".join(r.strings) for r in answer)


message = sys.stdin.buffer.read()
ok = dkim.verify(message, dnsfunc=dnsfunc)
print("signature ok" if ok else "signature FAILED")
sys.exit(0 if ok else 1)
