# Sourced by the tests/cli_* scripts: a temporary folder removed at exit, fail()
# to record a failed check and go on, and finish() to print the verdict and
# exit non-zero when any check failed; totp() computes a second factor's code
# by RFC 6238 itself, apart from the binary under test.
set -uo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {  # finish NAME
    if ((failures)); then echo "$failures failed"; exit 1; fi
    echo "$1: all checks passed"
}
totp() {  # totp BASE32_SECRET -> the current six-digit code (SHA-1, 30 s)
    python3 -c 'import base64,hmac,hashlib,struct,sys,time
k=base64.b32decode(sys.argv[1]+"="*(-len(sys.argv[1])%8))
h=hmac.new(k,struct.pack(">Q",int(time.time())//30),hashlib.sha1).digest()
o=h[-1]&15
print("%06d"%((struct.unpack(">I",h[o:o+4])[0]&0x7fffffff)%1000000))' "$1"
}
