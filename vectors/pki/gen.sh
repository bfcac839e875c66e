#!/usr/bin/env bash
# Regenerates the test-only PKI in this directory (see README.md).
#
# Needs the `openssl` CLI (tested with OpenSSL 3.0). Keys are random on every
# run; the certificates' validity dates are fixed. `gen.sh p384` makes only
# the P-384 set (p384-ca and its leaves), leaving every other file (and the
# recorded transcripts that depend on those keys) as it is. The generated files are
# committed and the tests use the committed copies, so only run this when the
# PKI has to change. Safe to run repeatedly and from any working directory.
set -euo pipefail

ONLY=${1:-all}
case "$ONLY" in all | p384) ;; *) echo "usage: gen.sh [p384]" >&2; exit 2 ;; esac

OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Fixed validity windows (GeneralizedTime, as `openssl ca` wants them).
# The CAs start earlier than the leaves so that the expired leaf was validly
# issued: at a time inside its own window its whole chain verifies, and its
# expiry is the only thing wrong with it afterwards.
CA_START=20200101000000Z
START=20250101000000Z
END=20450101000000Z
EXPIRED_START=20200101000000Z
EXPIRED_END=20210101000000Z

# Minimal `openssl ca` configuration; extensions live in the sections below
# and are selected with -extensions.
cat >"$WORK/ca.cnf" <<'CNF'
[ ca ]
default_ca = test_ca

[ test_ca ]
dir              = .
database         = $dir/index.txt
new_certs_dir    = $dir/newcerts
serial           = $dir/serial
default_md       = sha256
policy           = policy_any
unique_subject   = no
copy_extensions  = none
email_in_dn      = no

[ policy_any ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
prompt             = no

[ req_dn ]
CN = placeholder

[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ecdsa_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, DNS:server.test, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ rsa_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, DNS:server.test, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ecdsa_client ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = DNS:client.test
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ rsa_client ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = DNS:client.test
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
CNF

# genkey NAME ALG: writes $WORK/NAME.key.pem (PKCS#8) and NAME.key.der (PKCS#8 DER).
genkey() {
    local name=$1 alg=$2
    case "$alg" in
        ec) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                -pkeyopt ec_param_enc:named_curve -out "$WORK/$name.key.pem" ;;
        ec384) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
                -pkeyopt ec_param_enc:named_curve -out "$WORK/$name.key.pem" ;;
        rsa) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
                -out "$WORK/$name.key.pem" ;;
        *) echo "unknown key algorithm $alg" >&2; exit 1 ;;
    esac
    openssl pkcs8 -topk8 -nocrypt -in "$WORK/$name.key.pem" -outform DER \
        -out "$WORK/$name.key.der"
}

# The digest certificates are signed with (sha384 under the P-384 CA).
MD=sha256

# sign NAME SUBJECT EXTSECTION START END [CA]: CSR for NAME's key, signed by CA's
# key (self-signed when CA is omitted) with $MD. Writes NAME.pem and NAME.der.
sign() {
    local name=$1 subj=$2 ext=$3 start=$4 end=$5 ca=${6:-}
    local ca_dir="$WORK/db-$name"
    mkdir -p "$ca_dir/newcerts"
    : >"$ca_dir/index.txt"
    echo 01 >"$ca_dir/serial"
    openssl req -new -config "$WORK/ca.cnf" -key "$WORK/$name.key.pem" \
        -subj "$subj" -out "$WORK/$name.csr"
    local signer=(-selfsign -keyfile "$WORK/$name.key.pem")
    if [ -n "$ca" ]; then
        signer=(-cert "$WORK/$ca.pem" -keyfile "$WORK/$ca.key.pem")
    fi
    (cd "$ca_dir" && openssl ca -batch -notext -config "$WORK/ca.cnf" \
        -rand_serial -preserveDN -md "$MD" \
        "${signer[@]}" -extensions "$ext" \
        -startdate "$start" -enddate "$end" \
        -in "$WORK/$name.csr" -out "$WORK/$name.pem" 2>"$ca_dir/log") \
        || { cat "$ca_dir/log" >&2; exit 1; }
    openssl x509 -in "$WORK/$name.pem" -outform DER -out "$WORK/$name.der"
}

make_ca() { # NAME ALG CN
    genkey "$1" "$2"
    sign "$1" "/O=sansio-tls test/CN=$3" v3_ca "$CA_START" "$END"
}

make_leaf() { # NAME ALG CN EXTSECTION CA [START END]
    genkey "$1" "$2"
    sign "$1" "/O=sansio-tls test/CN=$3" "$4" "${6:-$START}" "${7:-$END}" "$5"
    cat "$WORK/$1.pem" "$WORK/$5.pem" >"$WORK/$1-chain.pem"
}

if [ "$ONLY" = p384 ]; then
    # A P-384 CA signing with SHA-384 (like Let's Encrypt's ECDSA
    # intermediates), a P-384 server and client, and a P-256 server under it.
    MD=sha384
    make_ca    p384-ca          ec384 "sansio-tls test P-384 CA"
    make_leaf  p384-server      ec384 localhost     ecdsa_server p384-ca
    make_leaf  p384-client      ec384 "test client" ecdsa_client p384-ca
    make_leaf  p256-p384ca-server ec  localhost     ecdsa_server p384-ca
    check() { openssl verify -attime "$(date -d 2030-01-01 +%s)" -purpose "${3:-sslserver}" \
        -CAfile "$WORK/$1.pem" "$WORK/$2.pem" >/dev/null; }
    openssl ec -in "$WORK/p384-server.key.pem" -outform DER -out "$WORK/p384-server.key.sec1.der" 2>/dev/null
    check p384-ca p384-server
    check p384-ca p384-client sslclient
    check p384-ca p256-p384ca-server
    for name in p384-ca p384-server p384-client p256-p384ca-server; do
        install -m 0644 "$WORK/$name.pem" "$WORK/$name.der" \
            "$WORK/$name.key.pem" "$WORK/$name.key.der" "$OUT/"
        if [ -f "$WORK/$name-chain.pem" ]; then
            install -m 0644 "$WORK/$name-chain.pem" "$OUT/"
        fi
    done
    install -m 0644 "$WORK/p384-server.key.sec1.der" "$OUT/"
    echo "P-384 test PKI written to $OUT"
    exit 0
fi

make_ca    ecdsa-ca        ec  "sansio-tls test ECDSA CA"
make_leaf  ecdsa-server    ec  localhost       ecdsa_server ecdsa-ca
make_leaf  ecdsa-client    ec  "test client"   ecdsa_client ecdsa-ca
make_leaf  ecdsa-expired   ec  localhost       ecdsa_server ecdsa-ca "$EXPIRED_START" "$EXPIRED_END"

make_ca    rsa-ca          rsa "sansio-tls test RSA CA"
make_leaf  rsa-server      rsa localhost       rsa_server   rsa-ca
make_leaf  rsa-client      rsa "test client"   rsa_client   rsa-ca

make_ca    untrusted-ca    ec  "sansio-tls UNTRUSTED test CA"
make_leaf  ecdsa-untrusted ec  localhost       ecdsa_server untrusted-ca

# The server keys once more in their legacy encodings, for key-loading tests:
# SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY"), PEM and DER.
openssl ec -in "$WORK/ecdsa-server.key.pem" -out "$WORK/ecdsa-server.key.sec1.pem" 2>/dev/null
openssl ec -in "$WORK/ecdsa-server.key.pem" -outform DER -out "$WORK/ecdsa-server.key.sec1.der" 2>/dev/null
openssl rsa -traditional -in "$WORK/rsa-server.key.pem" -out "$WORK/rsa-server.key.pkcs1.pem" 2>/dev/null
openssl rsa -traditional -in "$WORK/rsa-server.key.pem" -outform DER -out "$WORK/rsa-server.key.pkcs1.der" 2>/dev/null

# Self-checks before anything is replaced.
check() { # CAFILE CERT [PURPOSE]
    local purpose=${3:-sslserver}
    openssl verify -attime "$(date -d 2030-01-01 +%s)" -purpose "$purpose" \
        -CAfile "$WORK/$1.pem" "$WORK/$2.pem" >/dev/null
}
check ecdsa-ca ecdsa-server
check ecdsa-ca ecdsa-client sslclient
check rsa-ca rsa-server
check rsa-ca rsa-client sslclient
check untrusted-ca ecdsa-untrusted
openssl verify -attime "$(date -d 2020-06-01 +%s)" -CAfile "$WORK/ecdsa-ca.pem" \
    "$WORK/ecdsa-expired.pem" >/dev/null
if openssl verify -CAfile "$WORK/ecdsa-ca.pem" "$WORK/ecdsa-untrusted.pem" >/dev/null 2>&1; then
    echo "untrusted leaf unexpectedly verifies against ecdsa-ca" >&2
    exit 1
fi

# Install: certificates (PEM, DER), chains, private keys (PKCS#8 PEM and DER).
for name in ecdsa-ca rsa-ca untrusted-ca \
            ecdsa-server ecdsa-client ecdsa-expired ecdsa-untrusted \
            rsa-server rsa-client; do
    install -m 0644 "$WORK/$name.pem" "$WORK/$name.der" \
        "$WORK/$name.key.pem" "$WORK/$name.key.der" "$OUT/"
    if [ -f "$WORK/$name-chain.pem" ]; then
        install -m 0644 "$WORK/$name-chain.pem" "$OUT/"
    fi
done
install -m 0644 "$WORK"/ecdsa-server.key.sec1.* "$WORK"/rsa-server.key.pkcs1.* "$OUT/"
echo "test PKI written to $OUT"
