#!/usr/bin/env bash
# Comparison 4: IMAP, MailHost against a private Dovecot 2.3 (maildir), both holding the same messages.
# Both servers are spoken to in plaintext on 127.0.0.1 (Dovecot ssl=no; MailHost a listener with TLS mode None),
# so neither pays for TLS. Figures: full mbsync into an empty Maildir (wall seconds, lower is better),
# UID FETCH 1:* (BODY.PEEK[HEADER]) and (BODYSTRUCTURE) in messages per second.
# usage: imap-vs-dovecot.sh WORKDIR RAW_JSONL RUNS MAILHOST_PORT USER PASSWORD
#   env BENCH_IMAP_MESSAGES (default 10000), DOVECOT_PORT (default 31143)
# MailHost must already be running with USER's INBOX empty (the messages are APPENDed over IMAP, byte for byte
# the files written into Dovecot's maildir).
set -euo pipefail
work=$1 raw=$2 runs=$3 mhport=$4 user=$5 pass=$6
n=${BENCH_IMAP_MESSAGES:-10000}
dvport=${DOVECOT_PORT:-31143}
here=$(cd "$(dirname "$0")" && pwd)
py() { /usr/bin/python3 "$here/imap-bench.py" "$@"; }
record() { # comparison server metric value (same JSON lines as bench/run)
  printf '{"comparison":"%s","server":"%s","metric":"%s","value":%s}\n' "$1" "$2" "$3" "$4" >> "$raw"
}
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }

d=$work/dovecot
dv_pid=
stop_dovecot() { [ -n "$dv_pid" ] && kill "$dv_pid" 2>/dev/null && wait "$dv_pid" 2>/dev/null || true; dv_pid=; }
trap stop_dovecot EXIT
rm -rf "$d" && mkdir -p "$d/run" "$d/state" "$d/home" "$d/sync"

echo "   generating $n messages into Dovecot's maildir"
py generate "$n" "$d/Maildir"
chown -R nobody:nogroup "$d/Maildir" "$d/home"
chmod 755 "$work" "$d"
echo "$user:{PLAIN}$pass::::::" > "$d/passwd"

cat > "$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/home
}
mail_location = maildir:$d/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $dvport
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
if (exec 3<>/dev/tcp/127.0.0.1/$dvport) 2>/dev/null; then echo "port $dvport is already in use" >&2; exit 1; fi
dovecot -c "$d/dovecot.conf" -F &
dv_pid=$!
up=
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$dvport) 2>/dev/null && up=1 && break; sleep 0.05; done
[ -n "$up" ] || { echo "Dovecot did not start; see $d/dovecot.log" >&2; exit 1; }

echo "   APPENDing the same $n files to MailHost over IMAP"
start=$(date +%s.%N)
py append "$mhport" "$user" "$pass" "$d/Maildir"
have=$(py count "$mhport" "$user" "$pass")
end=$(date +%s.%N)
echo "   MailHost INBOX holds $have messages (APPEND took $(/usr/bin/python3 -c "print(round($end-$start,1))") s)"
[ "$have" = "$n" ] || { echo "MailHost INBOX has $have messages, expected $n" >&2; exit 1; }
have=$(py count "$dvport" "$user" "$pass")
[ "$have" = "$n" ] || { echo "Dovecot INBOX has $have messages, expected $n" >&2; exit 1; }

port_of() { [ "$1" = dovecot ] && echo "$dvport" || echo "$mhport"; }

# One unrecorded pass per server first: Dovecot builds its index and cache on first access, as it would have long
# before any real client syncs; MailHost's index is written at delivery.
for server in dovecot mailhost; do
  py fetch "$(port_of $server)" "$user" "$pass" "BODY.PEEK[HEADER]" > /dev/null
  py fetch "$(port_of $server)" "$user" "$pass" "BODYSTRUCTURE" > /dev/null
done

mbsync_once() { # server -> wall seconds
  local s=$1 dir=$d/sync/$1
  rm -rf "$dir" && mkdir -p "$dir/Maildir"
  # FSync no: the client's own fsync per message would dominate and is the same for both servers.
  cat > "$dir/mbsyncrc" <<EOF
FSync no

IMAPAccount bench
Host 127.0.0.1
Port $(port_of "$s")
User $user
Pass $pass
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $dir/Maildir/
Inbox $dir/Maildir/INBOX

Channel all
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
EOF
  local t0 t1 got
  t0=$(date +%s.%N)
  mbsync -q -c "$dir/mbsyncrc" -a 2> >(grep -v "Password is being sent in the clear" >&2)
  t1=$(date +%s.%N)
  got=$(find "$dir/Maildir/INBOX/cur" "$dir/Maildir/INBOX/new" -type f | wc -l)
  [ "$got" = "$n" ] || { echo "mbsync from $s fetched $got messages, expected $n" >&2; exit 1; }
  rm -rf "$dir"
  /usr/bin/python3 -c "print(round($t1-$t0,2))"
}

for i in $(seq "$runs"); do
  for server in dovecot mailhost; do
    w=$(mbsync_once $server)
    record "imap-mbsync-$n" "$server" wall_s "$w"
    r=$(py fetch "$(port_of $server)" "$user" "$pass" "BODY.PEEK[HEADER]")
    [ "$(echo "$r" | field messages)" = "$n" ] || { echo "header FETCH from $server: $r" >&2; exit 1; }
    record imap-fetch-headers "$server" msgs_per_s "$(echo "$r" | field msgsPerSecond)"
    r=$(py fetch "$(port_of $server)" "$user" "$pass" "BODYSTRUCTURE")
    [ "$(echo "$r" | field messages)" = "$n" ] || { echo "BODYSTRUCTURE FETCH from $server: $r" >&2; exit 1; }
    record imap-fetch-bodystructure "$server" msgs_per_s "$(echo "$r" | field msgsPerSecond)"
  done
  echo "   run $i done"
done
stop_dovecot
