# Reads one DMARC aggregate report mail (stdin), gunzips its attachment and checks the XML against
# the RFC 9990 structure (namespace, required elements, enumerations); prints a JSON summary.
import email
import gzip
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = "{urn:ietf:params:xml:ns:dmarc-2.0}"
errors = []


def need(parent, path):
    node = parent.find("/".join(NS + p for p in path.split("/")))
    if node is None or node.text is None or not node.text.strip():
        errors.append("missing " + path)
        return ""
    return node.text.strip()


def enum(value, allowed, what):
    if value not in allowed:
        errors.append(f"{what}={value!r} not in {sorted(allowed)}")


msg = email.message_from_bytes(sys.stdin.buffer.read())
parts = [p for p in msg.walk() if p.get_content_type() == "application/gzip"]
if len(parts) != 1:
    print(json.dumps({"errors": [f"{len(parts)} application/gzip parts"]}))
    sys.exit(1)
name = parts[0].get_filename() or ""
if not re.fullmatch(r"[^!]+![^!]+!\d+!\d+![^!]+\.xml\.gz", name):
    errors.append("attachment name " + name)
root = ET.fromstring(gzip.decompress(parts[0].get_payload(decode=True)))
if root.tag != NS + "feedback":
    errors.append("root " + root.tag)
meta = {k: need(root, "report_metadata/" + k) for k in ["org_name", "email", "report_id", "date_range/begin", "date_range/end"]}
policy = {k: need(root, "policy_published/" + k) for k in ["domain", "p", "sp"]}
enum(policy["p"], {"none", "quarantine", "reject"}, "p")
records = []
for record in root.findall(NS + "record"):
    row = {k: need(record, "row/" + k) for k in ["source_ip", "count", "policy_evaluated/disposition", "policy_evaluated/dkim", "policy_evaluated/spf"]}
    enum(row["policy_evaluated/disposition"], {"none", "quarantine", "reject"}, "disposition")
    enum(row["policy_evaluated/dkim"], {"pass", "fail"}, "dkim")
    enum(row["policy_evaluated/spf"], {"pass", "fail"}, "spf")
    row["header_from"] = need(record, "identifiers/header_from")
    spf = record.findall(f"{NS}auth_results/{NS}spf")
    if not spf:
        errors.append("record without auth_results/spf")
    for s in spf:
        enum(need(s, "result"), {"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"}, "spf result")
    row["spf_result"] = need(spf[0], "result") if spf else ""
    records.append(row)
if not records:
    errors.append("no record")
print(json.dumps({"to": msg["To"], "subject": msg["Subject"], "from": msg["From"], "meta": meta, "policy": policy, "records": records, "errors": errors}))
sys.exit(1 if errors else 0)
