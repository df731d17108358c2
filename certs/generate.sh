#!/bin/sh
# Regenerates the TEST certificates in this folder, with the openssl recipe of the
# Manticore SSL manual (CA key, CA certificate, server key and request, server
# certificate signed by the CA), plus a subjectAltName for localhost and 127.0.0.1 so
# that clients that check host names (Python's urllib3, rustls, Go) accept it.
#
# For testing only: the private keys are public. Never use them in production.
set -eu
cd "$(dirname "$0")"
DAYS=10000

openssl genrsa 2048 > ca-key.pem
openssl req -new -x509 -nodes -days "$DAYS" -key ca-key.pem -out ca-cert.pem \
    -subj "/CN=searchd test CA"

openssl req -newkey rsa:2048 -days "$DAYS" -nodes -keyout server-key.pem -out server-req.pem \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
openssl rsa -in server-key.pem -out server-key.pem
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n' > server-ext.cnf
openssl x509 -req -in server-req.pem -days "$DAYS" -CA ca-cert.pem -CAkey ca-key.pem \
    -set_serial 01 -extfile server-ext.cnf -out server-cert.pem
rm -f server-req.pem server-ext.cnf

openssl verify -CAfile ca-cert.pem server-cert.pem
