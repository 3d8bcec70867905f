#!/bin/sh
# Writes deep-nesting seeds for the `classify` target into DIR (default: seeds/deep). They are
# generated, not committed: each is a few MB, past the 64 KiB inputs the fuzzer makes itself, and
# hides a chain of message/rfc822 parts in a spelling mail-parser reads but a simple count misses.
set -eu
dir=${1:-seeds/deep}
levels=${LEVELS:-100000}
mkdir -p "$dir"

chain() { # chain CONTENT-TYPE: LEVELS wrappers around a tiny message
    yes "Content-Type: $1" | head -n "$levels" | sed 's/$/\n/'
    printf 'From: a@example.com\nSubject: x\n\nbody\n'
}

lunch() { # lunch CONTENT-TYPE ENCODING < BODY: an ordinary mail carrying BODY as its second part
    printf 'From: a@example.com\nTo: b@example.com\nSubject: lunch on friday?\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhi\n'
    printf -- '--zz\nContent-Type: %s\nContent-Transfer-Encoding: %s\n\n' "$1" "$2"
    cat
    printf '\n--zz--\n'
}

chain 'message/ rfc822' > "$dir/space-after-slash.eml"
chain 'message/(x)rfc822' > "$dir/comment.eml"
chain 'message/rfc822' | base64 -w 76 | sed 's/^\(.\{30\}\)/\1 /' \
    | lunch 'message/rfc822' base64 > "$dir/base64-spaces.eml"
chain 'message/rfc822' | base64 -w 3 | lunch 'message/rfc822' base64 > "$dir/base64-short-lines.eml"
chain 'message/rfc822' | base64 -w 76 \
    | lunch 'message/ rfc822' '=?us-ascii?b?YmFzZTY0?=' > "$dir/base64-encoded-word.eml"
chain 'message/rfc822' | sed 's/rfc822/rfc=  \n822/' \
    | lunch 'message/rfc822' quoted-printable > "$dir/qp-soft-breaks.eml"
chain 'message/rfc822' | base64 -w 76 | {
    printf 'From: a@example.com\nSubject: Fwd: order\nMIME-Version: 1.0\n'
    printf 'Content-Type: multipart/digest; boundary=zz\n\n--zz\nContent-Transfer-Encoding: base64\n\n'
    cat
    printf '\n--zz--\n'
} > "$dir/digest-base64.eml"
ls -l "$dir"
