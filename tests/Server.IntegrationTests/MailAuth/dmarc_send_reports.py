# Sends aggregate reports to MailHost with smtplib: a good gzip one, a good zip one, and hostile ones
# (a gzip bomb, a zip bomb, XML nested 100000 deep, a DTD with entity expansion). argv: port, to, kind.
import gzip
import io
import smtplib
import sys
import zipfile
from email.message import EmailMessage

port, to, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def report(report_id, rows):
    recs = "".join(
        f"<record><row><source_ip>{ip}</source_ip><count>{n}</count><policy_evaluated><disposition>none</disposition>"
        f"<dkim>{d}</dkim><spf>{s}</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers>"
        f"<auth_results><spf><domain>example.com</domain><result>{s}</result></spf></auth_results></record>"
        for ip, n, d, s in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?><feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>'
            f"<report_metadata><org_name>reporter.example</org_name><email>dmarc@reporter.example</email><report_id>{report_id}</report_id>"
            f"<date_range><begin>1764633600</begin><end>1764720000</end></date_range></report_metadata>"
            f"<policy_published><domain>example.com</domain><p>reject</p><sp>reject</sp></policy_published>{recs}</feedback>").encode()


def zipped(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buffer.getvalue()


def bomb_stream(size):
    # 512 MiB of spaces inside an element, compressed in chunks so this script stays small too.
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as g:
        g.write(b'<?xml version="1.0"?><feedback><report_metadata><org_name>')
        chunk = b" " * (1 << 20)
        for _ in range(size >> 20):
            g.write(chunk)
        g.write(b"</org_name></report_metadata></feedback>")
    return buffer.getvalue()


if kind == "gzip":
    payload, ctype, name = gzip.compress(report("rep-gzip-1", [("192.0.2.10", 5, "pass", "pass"), ("192.0.2.66", 3, "fail", "fail")])), "application/gzip", "r!example.com!1!2.xml.gz"
elif kind == "zip":
    payload, ctype, name = zipped("r.xml", report("rep-zip-1", [("192.0.2.10", 2, "fail", "pass")])), "application/zip", "r!example.com!1!2.zip"
elif kind == "gzipbomb":
    payload, ctype, name = bomb_stream(512 << 20), "application/gzip", "bomb.xml.gz"
elif kind == "zipbomb":
    data = bytearray(b" " * (300 << 20))
    payload, ctype, name = zipped("bomb.xml", bytes(data)), "application/zip", "bomb.zip"
elif kind == "deep":
    payload, ctype, name = gzip.compress(b"<feedback>" + b"<a>" * 100000 + b"</a>" * 100000 + b"</feedback>"), "application/gzip", "deep.xml.gz"
elif kind == "dtd":
    lol = b'<?xml version="1.0"?><!DOCTYPE feedback [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e SYSTEM "file:///etc/passwd">]><feedback><report_metadata><org_name>&d;&e;</org_name><report_id>dtd-1</report_id></report_metadata><policy_published><domain>example.com</domain></policy_published></feedback>'
    payload, ctype, name = lol, "text/xml", "lol.xml"
else:
    sys.exit(f"unknown kind {kind}")

msg = EmailMessage()
msg["From"] = "noreply-dmarc@reporter.example"
msg["To"] = to
msg["Subject"] = f"Report Domain: example.com Submitter: reporter.example Report-ID: {kind}"
msg.set_content("DMARC aggregate report.")
maintype, subtype = ctype.split("/")
msg.add_attachment(payload, maintype=maintype, subtype=subtype, filename=name)
with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
    smtp.ehlo("reporter.example")
    smtp.send_message(msg, from_addr="noreply-dmarc@reporter.example", to_addrs=[to])
print(len(payload))
