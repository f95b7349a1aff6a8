#!/bin/sh
# Regenerates the seed corpora of fuzz_cert and fuzz_sshkey with the real
# ssh-keygen: certificates by ed25519, ecdsa and rsa CAs for ed25519,
# ecdsa and rsa keys, with and without options, as raw blobs. Prints the
# ed25519 CA's public key: fuzz_cert.c trusts it (paste it there).
# usage: sh tests/fuzz/mkcorpus_cert.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
kg() { ssh-keygen -q -N '' -C "$1" -f "$1" -t "$2" ${3:+-b "$3"}; }
blob() { cut -d' ' -f2 "$1" | base64 -d >"$2"; }
kg ca_ed ed25519; kg ca_ec ecdsa 384; kg ca_rsa rsa 3072
kg u_ed ed25519; kg u_ec ecdsa 256; kg u_rsa rsa 2048
for ca in ca_ed ca_ec ca_rsa; do
	for u in u_ed u_ec u_rsa; do
		cp $u.pub ${ca}_$u.pub
		ssh-keygen -q -s $ca -I "$ca $u" -n alice,support -z 42 \
		    -V 20270101000000Z:20270201000000Z ${ca}_$u.pub
		blob ${ca}_$u-cert.pub "$out/cert/${ca}_$u"
	done
	blob $ca.pub "$out/sshkey/$ca"
done
for u in u_ed u_ec u_rsa; do blob $u.pub "$out/sshkey/$u"; done
cp u_ed.pub opts.pub
ssh-keygen -q -s ca_ed -I opts -n alice -O source-address=10.0.0.0/8,::1 \
    -O verify-required -O no-touch-required -O critical:foo@example.com=x \
    -O force-command=ls opts.pub
blob opts-cert.pub "$out/cert/opts"
cp u_ed.pub host.pub
ssh-keygen -q -s ca_ed -I host -h -n ws1.example.org host.pub
blob host-cert.pub "$out/cert/host"
cp u_ec.pub sha256.pub
ssh-keygen -q -s ca_rsa -t rsa-sha2-256 -I sha256 sha256.pub
blob sha256-cert.pub "$out/cert/rsa_sha256_noprincipals"
# fuzz_sshkey: uint16 key length, key, signature blob (ssh-keygen -Y sign)
printf fuzz >msg
for u in u_ed u_ec u_rsa; do
	rm -f msg.sig
	ssh-keygen -q -Y sign -f $u -n fuzz msg 2>/dev/null
	sed '1d;$d' msg.sig | base64 -d >sshsig
	python3 - sshsig "$out/sshkey/sig_$u" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
o = 10  # "SSHSIG", uint32 version
def s():
    global o
    n = struct.unpack(">I", d[o:o + 4])[0]
    v = d[o + 4:o + 4 + n]
    o += 4 + n
    return v
key = s(); s(); s(); s(); sig = s()
open(sys.argv[2], "wb").write(struct.pack(">H", len(key)) + key + sig)
PY
done
echo "trusted CA (fuzz_cert.c):"
cut -d' ' -f2 ca_ed.pub | base64 -d | od -An -tx1 -v
