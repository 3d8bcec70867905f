#!/usr/bin/env python3
"""The script a user would write instead of msorder: standard library only.

Reads one mbox, and for every message prints a CSV row (source, index, from, subject, label,
order_number, total, currency). Labels: activation (genuine-looking Microsoft order, total 0),
charge (same, total above 0), suspicious (looks like a Microsoft order or bill but not from
microsoft-noreply@microsoft.com with DMARC pass, or gives a phone number), unrelated.

Usage: bench/naive.py MBOX > out.csv
"""
import csv
import email
import email.policy
import html
import mailbox
import re
import sys

ORDER_SUBJECT = re.compile(r"Microsoft\s*の注文\s*#?\s*(\d+)|Your Microsoft order\s*#?\s*(\d+)", re.I)
ORDER_BODY = re.compile(r"Microsoft\s*(?:の注文|order|store|365|office)|マイクロソフト", re.I)
SENDER = "microsoft-noreply@microsoft.com"
AMOUNT = re.compile(
    r"\b(USD|JPY|EUR|GBP|DKK|AUD|CAD)\s*([\d,]+(?:\.\d+)?)"
    r"|([¥￥$€£])\s*([\d,]+(?:\.\d+)?)"
    r"|([\d,]+(?:\.\d+)?)\s*円"
)
SYMBOLS = {"¥": "JPY", "￥": "JPY", "$": "USD", "€": "EUR", "£": "GBP"}
PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|0120[\s-]?\d{2,3}[\s-]?\d{3,4}")
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def body_text(msg):
    """The plain-text part, else the HTML part with tags stripped."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", "replace")
    if not isinstance(text, str):
        return ""
    if part.get_content_subtype() == "html":
        text = html.unescape(TAG.sub(" ", text))
    return text


def amounts(text):
    """(currency, value) for every amount in the text."""
    found = []
    for m in AMOUNT.finditer(text):
        cur = m.group(1) or SYMBOLS.get(m.group(3) or "") or ("JPY" if m.group(5) else None)
        num = m.group(2) or m.group(4) or m.group(5)
        try:
            found.append((cur, float(num.replace(",", ""))))
        except ValueError:
            pass
    return found


def judge(msg):
    subject = str(msg.get("subject", "") or "")
    sender = str(msg.get("from", "") or "")
    text = body_text(msg)
    auth = " ".join(str(v) for v in msg.get_all("authentication-results", []))
    order = ORDER_SUBJECT.search(subject) or ORDER_SUBJECT.search(text)
    number = next((g for g in order.groups() if g), "") if order else ""
    money = amounts(text)
    total = money[-1] if money else (None, None)
    row = [sender, subject, "unrelated", number, "" if total[1] is None else total[1], total[0] or ""]
    if not order and not ORDER_BODY.search(subject):
        return row
    genuine = SENDER in sender.lower() and "dmarc=pass" in auth.lower()
    if not genuine or PHONE.search(text):
        row[2] = "suspicious"
    elif order and total[1] is not None:
        row[2] = "activation" if total[1] == 0 else "charge"
    elif order:
        row[2] = "suspicious"
    return row


def main():
    path = sys.argv[1]
    box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    out = csv.writer(sys.stdout)
    out.writerow(["source", "index", "from", "subject", "label", "order_number", "total", "currency"])
    for index, msg in enumerate(box, 1):
        try:
            row = judge(msg)
        except Exception as e:  # real mail breaks the email package in many ways
            row = ["", "", f"error: {type(e).__name__}", "", "", ""]
        out.writerow([path, index] + row)


if __name__ == "__main__":
    main()
