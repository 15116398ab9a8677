#!/usr/bin/env bash
# A private Postfix instance for benchmarks: loopback only, its own config/queue directories,
# queue fsync on (Postfix default), every message discarded after queueing.
# usage: postfix-peer.sh start PORT DIR [CERT KEY] | stop DIR
set -euo pipefail
cmd=$1
case "$cmd" in
start)
  port=$2 dir=$3 cert=${4:-} key=${5:-}
  mkdir -p "$dir/conf" "$dir/queue" "$dir/data"
  cp /etc/postfix/master.cf "$dir/conf/master.cf"
  cp -r /etc/postfix/dynamicmaps.cf /etc/postfix/dynamicmaps.cf.d /etc/postfix/postfix-files /etc/postfix/postfix-files.d /etc/postfix/postfix-script /etc/postfix/post-install "$dir/conf/" 2>/dev/null || true
  : > "$dir/conf/main.cf"
  pc() { postconf -c "$dir/conf" -e "$@"; }
  pc "queue_directory = $dir/queue" "data_directory = $dir/data" \
     "myhostname = postfix.bench.local" "mydestination =" "mynetworks = 127.0.0.0/8" \
     "inet_interfaces = loopback-only" "inet_protocols = ipv4" \
     "default_transport = discard" "relay_transport = discard" "local_transport = discard" \
     "smtpd_recipient_restrictions = permit_mynetworks, reject" \
     "compatibility_level = 3.6" "maillog_file_prefixes = $dir" "maillog_file = $dir/maillog" \
     "smtpd_client_connection_count_limit = 0" "smtpd_client_connection_rate_limit = 0" \
     "default_process_limit = 200" "alternate_config_directories = $dir/conf" \
     "multi_instance_enable = no" "master_service_disable =" "shlib_directory = /usr/lib/postfix" \
     "meta_directory = $dir/conf"
  if [ -n "$cert" ]; then
    pc "smtpd_tls_cert_file = $cert" "smtpd_tls_key_file = $key" "smtpd_tls_security_level = may" \
       "smtpd_tls_mandatory_protocols = >=TLSv1.2" "smtpd_tls_protocols = >=TLSv1.2"
  fi
  # Replace the smtp listener with our port, no chroot (the private queue has no chroot files).
  sed -i -E "s/^smtp(\s+)inet(\s+)n(\s+)-(\s+)y/127.0.0.1:$port\1inet\2n\3-\4n/" "$dir/conf/master.cf"
  sed -i -E 's/^(\S+\s+(unix|unix-dgram|fifo|pass)\s+\S+\s+\S+\s+)y/\1n/' "$dir/conf/master.cf"
  if [ -n "$cert" ]; then
    echo "127.0.0.1:$((port+1)) inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt" >> "$dir/conf/master.cf"
  fi
  # "postfix -c DIR" must be authorised by the default configuration.
  touch /etc/postfix/main.cf
  postconf -e "alternate_config_directories = $dir/conf" 2>/dev/null
  postfix -c "$dir/conf" set-permissions >/dev/null 2>&1 || true
  # postfix reports fatal errors only to a terminal or syslog: give it a terminal.
  script -qc "postfix -c $dir/conf start" /dev/null | grep -v "starting the Postfix" || true
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && exit 0; sleep 0.1; done
  echo "postfix did not start; see $dir/maillog" >&2; exit 1
  ;;
stop)
  dir=$2
  postfix -c "$dir/conf" stop >/dev/null 2>&1 || true
  ;;
esac
