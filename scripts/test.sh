#!/usr/bin/env bash
# Runs every MailHost test. Installs the Debian packages the tests use when they are missing,
# then runs the whole solution and prints one line "N passed, N failed[, N skipped]" from the TRX results.
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v swaks >/dev/null || need+=(swaks)
command -v testssl >/dev/null || need+=(testssl.sh)
[ -x /usr/sbin/postfix ] || need+=(postfix)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v sqlite3 >/dev/null || need+=(sqlite3)
/usr/bin/python3 -c 'import dkim' 2>/dev/null || need+=(python3-dkim)
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || need+=(python3-jsonschema)
# The openspf RFC 7208 test suite (rfc7208-tests.yml.gz) ships with python3-spf; the tests read it with python3-yaml.
[ -f /usr/share/doc/python3-spf/rfc7208-tests.yml.gz ] || need+=(python3-spf)
/usr/bin/python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
[ -x /usr/sbin/unbound ] || need+=(unbound)
command -v ldns-signzone >/dev/null || need+=(ldnsutils)
command -v mbsync >/dev/null || need+=(isync)
command -v fetchmail >/dev/null || need+=(fetchmail)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
command -v gsasl >/dev/null || need+=(gsasl)
# pebble and pebble-challtestsrv: the RFC 8555 test CA the ACME tests issue from.
command -v pebble >/dev/null || need+=(pebble)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
# HAProxy: the PROXY protocol tests run their own instance in front of MailHost.
[ -x /usr/sbin/haproxy ] || need+=(haproxy)
# swaks needs Perl's TLS modules for STARTTLS/--tlsc; --no-install-recommends leaves them out.
perl -MIO::Socket::SSL -MNet::SSLeay -e1 2>/dev/null || need+=(libio-socket-ssl-perl libnet-ssleay-perl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "Installing test dependencies: ${need[*]}"
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The package starts a system haproxy; the tests start their own and want nothing else on the machine.
  if [[ " ${need[*]} " == *" haproxy "* ]]; then
    { $sudo systemctl disable --now haproxy || $sudo service haproxy stop; } >/dev/null 2>&1 || true
  fi
fi

# Node IMAP client (imapflow) for the IMAP tests, at the version the lockfile pins.
command -v npm >/dev/null || { DEBIAN_FRONTEND=noninteractive ${sudo:-} apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
if [ ! -d tests/Server.IntegrationTests/Imap/Node/node_modules/imapflow ]; then
  (cd tests/Server.IntegrationTests/Imap/Node && npm ci --no-audit --no-fund --silent) || echo "npm ci failed: the imapflow tests will fail"
fi

results=TestResults
rm -rf "$results"
dotnet build MailHost.sln -c Debug -warnaserror -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
# One test project at a time: the browser, testssl and socket tests each want the two cores.
dotnet test MailHost.sln --no-build -nologo -m:1 --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000
status=$?

summary=$(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
)
echo "$summary"
case "$summary" in
  "0 passed"*) exit 1 ;;
esac
[ "$status" -eq 0 ] && [[ "$summary" == *", 0 failed"* ]] || exit 1
