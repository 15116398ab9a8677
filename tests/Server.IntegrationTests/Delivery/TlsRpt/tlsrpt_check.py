# Checks one TLS-RPT report as a receiver would (RFC 8460 §5): a mailed one (a message file, --mail DNSPORT) must be
# multipart/report; report-type=tlsrpt with the TLS-Report-Domain/-Submitter headers, a DKIM signature dkimpy
# verifies (key from the test DNS) and an application/tlsrpt+gzip part named per §5.3; a posted one is the gzip body.
# The JSON is validated against tlsrpt-schema.json (jsonschema, format checks on) and printed on stdout.
import datetime
import email
import email.policy
import gzip
import json
import re
import sys

import jsonschema

schema_path, report_path = sys.argv[1], sys.argv[2]
raw = open(report_path, "rb").read()
if len(sys.argv) > 4 and sys.argv[3] == "--mail":
    import dkim
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = int(sys.argv[4])

    def dnsfunc(name, timeout=5):
        answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
        return b"".join(b"".join(r.strings) for r in answer)

    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not dkim.verify(raw, dnsfunc=dnsfunc):
        sys.exit("DKIM signature does not verify")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if message.get_content_type() != "multipart/report" or message.get_param("report-type") != "tlsrpt":
        sys.exit("not multipart/report; report-type=tlsrpt: " + str(message.get("Content-Type")))
    domain, submitter = message["TLS-Report-Domain"], message["TLS-Report-Submitter"]
    if not domain or not submitter:
        sys.exit("TLS-Report-Domain or TLS-Report-Submitter missing")
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "application/tlsrpt+gzip"]
    if len(parts) != 1:
        sys.exit("expected one application/tlsrpt+gzip part")
    name = parts[0].get_filename()
    if not re.fullmatch(re.escape(submitter) + "!" + re.escape(domain) + r"!\d+!\d+(![A-Za-z0-9._-]+)?\.json\.gz", name or ""):
        sys.exit("file name not as RFC 8460 §5.3 asks: " + str(name))
    body = parts[0].get_content()
else:
    body = raw
report = json.loads(gzip.decompress(body))
jsonschema.validate(report, json.load(open(schema_path)), format_checker=jsonschema.FormatChecker())
# Debian's jsonschema checks "date-time" only with rfc3339-validator installed: check the RFC 3339 form here too.
for field in ("start-datetime", "end-datetime"):
    value = report["date-range"][field]
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        sys.exit(f"{field} is not an RFC 3339 date-time: {value}")
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
print(json.dumps(report))
