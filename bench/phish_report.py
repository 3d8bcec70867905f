#!/usr/bin/env python3
"""Summarise `msorder scan --all --format csv` over the phishing_pot set (issue 3's figures).

Usage: bench/phish_report.py REPORT.csv
Prints the count per label, how many got a genuine label (activation, free, trial, charge,
unclear: the target is 0), and how many Microsoft-themed mails were caught as suspicious.
A mail is Microsoft-themed when its subject or sender's display name (not the address:
onmicrosoft.com tenants send every kind of spam), NFKC-normalised with invisible characters
removed, names Microsoft, Office 365, Microsoft 365, Windows Defender or Xbox.
"""
import collections
import csv
import re
import sys
import unicodedata

csv.field_size_limit(1 << 30)
GENUINE = {"activation", "free", "trial", "charge", "unclear"}
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                       "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
                       "\U000e0000-\U000e0fff]")
THEME = re.compile(r"microsoft|マイクロソフト|office ?365|windows defender|xbox")


def themed(row):
    name = row["from"].split("<")[0] if "<" in row["from"] else ""
    text = unicodedata.normalize("NFKC", row["subject"] + " " + name)
    return bool(THEME.search(INVISIBLE.sub("", text).lower()))


rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
labels = collections.Counter(r["label"] for r in rows)
genuine = [r for r in rows if r["label"] in GENUINE]
ms = [r for r in rows if themed(r)]
caught = [r for r in ms if r["label"] == "suspicious"]
print(f"messages: {len(rows)}")
print("labels: " + ", ".join(f"{k} {v}" for k, v in sorted(labels.items())))
print(f"genuine label on phishing: {len(genuine)}")
for r in genuine:
    print(f"  {r['label']}: {r['source']}:{r['index']} {r['subject'][:70]}")
print(f"Microsoft-themed: {len(ms)}, caught as suspicious: {len(caught)} "
      f"({100 * len(caught) / max(len(ms), 1):.1f}%), unrelated: "
      f"{sum(r['label'] == 'unrelated' for r in ms)}")
