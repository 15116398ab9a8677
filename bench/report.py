"""Turns bench/run's raw.jsonl into a Markdown table (medians, ratio MailHost / peer) and a PNG chart."""
import json
import statistics
import sys
from collections import defaultdict

out = sys.argv[1]
rows = [json.loads(l) for l in open(f"{out}/raw.jsonl") if l.strip()]
values = defaultdict(list)
for r in rows:
    values[(r["comparison"], r["metric"], r["server"])].append(float(r["value"]))

groups = defaultdict(dict)
for (comparison, metric, server), vs in values.items():
    groups[(comparison, metric)][server] = statistics.median(vs)

lower_is_better = {"p50_ms", "p99_ms", "kb_per_conn", "median_ms", "max_ms", "wall_s"}
lines = ["| comparison | metric | MailHost | peer | peer value | MailHost / peer |", "|---|---|---|---|---|---|"]
chart = []
times = []  # lower-is-better wall times (mbsync), drawn in their own panel
for (comparison, metric), servers in sorted(groups.items()):
    ours = {k: v for k, v in servers.items() if k.startswith("mailhost")}
    peers = {k: v for k, v in servers.items() if not k.startswith("mailhost")}
    for name, value in sorted(ours.items()):
        if peers:
            for peer, pv in sorted(peers.items()):
                ratio = value / pv if pv else float("nan")
                lines.append(f"| {comparison} | {metric} ({name}) | {value:g} | {peer} | {pv:g} | {ratio:.2f}{' (lower is better)' if metric in lower_is_better else ''} |")
                if metric in ("msgs_per_s", "per_s"):
                    chart.append((f"{comparison}\n{name}", value, pv, peer))
                elif metric == "wall_s":
                    times.append((f"{comparison}\n{name}", value, pv, peer))
        else:
            lines.append(f"| {comparison} | {metric} ({name}) | {value:g} | – | – | – |")

with open(f"{out}/results.md", "w") as f:
    f.write("# MailHost benchmark results (medians)\n\n" + "\n".join(lines) + "\n")
print("\n".join(lines))

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

if chart:
    if times:
        fig, (ax, tax) = plt.subplots(1, 2, figsize=(13, 5), gridspec_kw={"width_ratios": [len(chart), max(2, len(times))]})
        txs = range(len(times))
        tax.bar([x - 0.2 for x in txs], [c[1] for c in times], width=0.4, label="MailHost")
        tax.bar([x + 0.2 for x in txs], [c[2] for c in times], width=0.4, label="Dovecot")
        tax.set_xticks(list(txs))
        tax.set_xticklabels([c[0] for c in times], fontsize=7)
        tax.set_ylabel("seconds (median, lower is better)")
        tax.set_title("full mbsync")
        tax.legend()
    else:
        fig, ax = plt.subplots(figsize=(11, 5))
    xs = range(len(chart))
    ax.bar([x - 0.2 for x in xs], [c[1] for c in chart], width=0.4, label="MailHost")
    ax.bar([x + 0.2 for x in xs], [c[2] for c in chart], width=0.4, label="peer (Postfix / openssl s_server / Dovecot)")
    ax.set_xticks(list(xs))
    ax.set_xticklabels([c[0] for c in chart], fontsize=7)
    ax.set_yscale("log")  # handshakes, SMTP and IMAP FETCH rates span four orders of magnitude
    ax.set_ylabel("per second (median, log scale)")
    ax.set_title("MailHost vs peers, loopback, 2 cores")
    ax.legend()
    fig.tight_layout()
    fig.savefig(f"{out}/results.png", dpi=110)
