#!/bin/sh
# Regenerates the test vectors of src/crypto and src/cert with the openssl CLI
# (checked with OpenSSL 3.0). Keys and signatures are random, so running it
# again changes every file; the tests only need the files to be consistent.
#
#   rsa2048.spki.der, rsa4096.spki.der, rsa1024.spki.der   public keys
#   rsa5120.spki.der, rsa5120.pkcs1-sha256.sig              over our 4096-bit limit (ring's webpki takes it)
#   msg.bin                                                 the signed message
#   rsa2048.pkcs1-sha{256,384,512}.sig                      RSASSA-PKCS1-v1_5
#   rsa2048.pss-sha{256,384,512}.sig                        RSASSA-PSS, MGF1 same hash, salt = hash length
#   rsa4096.pkcs1-sha256.sig, rsa4096.pss-sha512.sig
#   p256.pkcs8.der, p256.sec1.der, p256.spki.der            an ECDSA P-256 key
#   p256.sha{256,384}.sig                                   ECDSA signatures (DER) over msg.bin
#   ec-root.der -> ec-leaf.der (P-256, ecdsa-with-SHA256), ec-leaf384.der (ecdsa-with-SHA384)
#   rsa-root.der -> rsa-leaf.der (RSA-2048, sha256WithRSA), rsa-leaf-pss.der (RSASSA-PSS SHA-256)
#   other-root.der                                          an unrelated root (P-256)
#   client leafs: ec-client.der (clientAuth EKU)
# Every certificate is valid 2025-01-01 .. 2045-01-01; leaves carry
# SAN DNS:localhost, IP:127.0.0.1.
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

printf 'sansio-tls signature test message\n' > msg.bin

# --- raw RSA signatures -------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa2048.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$T/rsa4096.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/rsa1024.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:5120 -out "$T/rsa5120.pem" 2>/dev/null
for b in 2048 4096 1024 5120; do
  openssl pkey -in "$T/rsa$b.pem" -pubout -outform DER -out rsa$b.spki.der
done
for h in 256 384 512; do
  openssl dgst -sha$h -sign "$T/rsa2048.pem" -out rsa2048.pkcs1-sha$h.sig msg.bin
  openssl dgst -sha$h -sign "$T/rsa2048.pem" -sigopt rsa_padding_mode:pss \
    -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha$h -out rsa2048.pss-sha$h.sig msg.bin
done
openssl dgst -sha256 -sign "$T/rsa4096.pem" -out rsa4096.pkcs1-sha256.sig msg.bin
openssl dgst -sha256 -sign "$T/rsa5120.pem" -out rsa5120.pkcs1-sha256.sig msg.bin
openssl dgst -sha512 -sign "$T/rsa4096.pem" -sigopt rsa_padding_mode:pss \
  -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha512 -out rsa4096.pss-sha512.sig msg.bin

# --- ECDSA P-256 ----------------------------------------------------------------
openssl ecparam -name prime256v1 -genkey -noout -outform DER -out p256.sec1.der
openssl pkcs8 -topk8 -nocrypt -inform DER -in p256.sec1.der -outform DER -out p256.pkcs8.der
openssl pkey -inform DER -in p256.pkcs8.der -pubout -outform DER -out p256.spki.der
openssl dgst -sha256 -sign p256.pkcs8.der -keyform DER -out p256.sha256.sig msg.bin
openssl dgst -sha384 -sign p256.pkcs8.der -keyform DER -out p256.sha384.sig msg.bin

# --- certificates ---------------------------------------------------------------
cat > "$T/ca.cnf" <<'EOF'
[ca]
default_ca = test_ca
[test_ca]
database = $ENV::T/index.txt
new_certs_dir = $ENV::T
serial = $ENV::T/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
export T

reset_db() { : > "$T/index.txt"; echo 1000 > "$T/serial"; }

# mkroot NAME KEYFILE CN
mkroot() {
  reset_db
  openssl req -new -config "$T/ca.cnf" -key "$2" -subj "/CN=$3" -out "$T/$1.csr"
  openssl ca -batch -notext -config "$T/ca.cnf" -selfsign -keyfile "$2" -in "$T/$1.csr" \
    -extensions v3_root -startdate 20250101000000Z -enddate 20450101000000Z \
    -out "$T/$1.pem" 2>/dev/null
  openssl x509 -in "$T/$1.pem" -outform DER -out "$1.der"
}

# mkleaf NAME KEYFILE CN ROOTNAME ROOTKEY EXT [ca options...]
mkleaf() {
  name=$1 key=$2 cn=$3 root=$4 rootkey=$5 ext=$6
  shift 6
  reset_db
  openssl req -new -config "$T/ca.cnf" -key "$key" -subj "/CN=$cn" -out "$T/$name.csr"
  openssl ca -batch -notext -config "$T/ca.cnf" -cert "$T/$root.pem" -keyfile "$rootkey" \
    -in "$T/$name.csr" -extensions "$ext" -startdate 20250101000000Z -enddate 20450101000000Z \
    "$@" -out "$T/$name.pem" 2>/dev/null
  openssl x509 -in "$T/$name.pem" -outform DER -out "$name.der"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec-root.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec-leaf.key" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/other-root.key" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa-root.key" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa-leaf.key" 2>/dev/null

mkroot ec-root "$T/ec-root.key" "sansio-tls test EC root"
mkroot other-root "$T/other-root.key" "sansio-tls unrelated root"
mkroot rsa-root "$T/rsa-root.key" "sansio-tls test RSA root"

mkleaf ec-leaf "$T/ec-leaf.key" localhost ec-root "$T/ec-root.key" v3_server
mkleaf ec-leaf384 "$T/ec-leaf.key" localhost ec-root "$T/ec-root.key" v3_server -md sha384
mkleaf ec-client "$T/ec-leaf.key" client ec-root "$T/ec-root.key" v3_client
mkleaf rsa-leaf "$T/rsa-leaf.key" localhost rsa-root "$T/rsa-root.key" v3_server
mkleaf rsa-leaf-pss "$T/rsa-leaf.key" localhost rsa-root "$T/rsa-root.key" v3_server \
  -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -sigopt rsa_mgf1_md:sha256

# The leaf keys, for tests that sign with them.
openssl pkcs8 -topk8 -nocrypt -in "$T/ec-leaf.key" -outform DER -out ec-leaf.key.der
chmod 644 ./*.der ./*.sig msg.bin
