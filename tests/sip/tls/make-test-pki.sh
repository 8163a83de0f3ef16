#!/bin/sh
# The SIP-over-TLS tests' PKI (sip_test, TlsAndSrtp*), made once and kept:
#   ca.pem                 a CA the tests trust (tls_ca)
#   server-combined.pem    a certificate for sip.test and 127.0.0.1 signed by it, and its key
#   rogue-combined.pem     a self-signed certificate with the same names, and its key
#   other-ca.pem           a CA nobody signed the server with
# Run it to make new ones (the certificates last ten years); the tests read
# the rogue certificate's fingerprint from the file, not from this script.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ec "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -sha256 -days 3650 -subj /CN=callbase-test-CA -out ca.pem \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
ec "$tmp/server.key"
openssl req -new -key "$tmp/server.key" -subj /CN=sip.test -out "$tmp/server.csr"
printf 'subjectAltName=DNS:sip.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$tmp/server.ext"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial \
  -CAserial "$tmp/ca.srl" -days 3650 -sha256 -extfile "$tmp/server.ext" -out "$tmp/server.pem"
cat "$tmp/server.pem" "$tmp/server.key" > server-combined.pem
ec "$tmp/rogue.key"
openssl req -x509 -new -key "$tmp/rogue.key" -sha256 -days 3650 -subj /CN=sip.test -out "$tmp/rogue.pem" \
  -addext subjectAltName=DNS:sip.test,IP:127.0.0.1
cat "$tmp/rogue.pem" "$tmp/rogue.key" > rogue-combined.pem
ec "$tmp/other-ca.key"
openssl req -x509 -new -key "$tmp/other-ca.key" -sha256 -days 3650 -subj /CN=other-CA -out other-ca.pem
