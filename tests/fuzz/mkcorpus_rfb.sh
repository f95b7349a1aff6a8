#!/bin/sh
# Regenerates the seed corpora of fuzz_rfbclient (client -> server
# messages, RFC 6143 7.5) and fuzz_rfbinit (ServerInit, 7.3.2), good and
# bad. A client seed starts with one byte that fuzz_rfbclient uses to pick
# the piece size of its second pass.
# usage: sh tests/fuzz/mkcorpus_rfb.sh
set -eu
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
cl=$top/tests/fuzz/corpus/rfbclient
si=$top/tests/fuzz/corpus/rfbinit
mkdir -p "$cl" "$si"

oct() { printf "\\$(printf %03o "$1")"; }
u8() { oct $(($1 & 255)); }
u16() { u8 $(($1 >> 8)); u8 "$1"; }
u32() { u8 $(($1 >> 24)); u8 $(($1 >> 16)); u8 $(($1 >> 8)); u8 "$1"; }
# pixfmt BPP DEPTH BE TC RMAX GMAX BMAX RS GS BS
pixfmt() {
	u8 "$1"; u8 "$2"; u8 "$3"; u8 "$4"; u16 "$5"; u16 "$6"; u16 "$7"
	u8 "$8"; u8 "$9"; u8 "${10}"; u8 0; u8 0; u8 0
}
setpf() { u8 0; u8 0; u8 0; u8 0; pixfmt "$@"; }
setenc() { u8 2; u8 0; u16 $#; for e in "$@"; do u32 "$e"; done; }
upd() { u8 3; u8 "$1"; u16 "$2"; u16 "$3"; u16 "$4"; u16 "$5"; }
key() { u8 4; u8 "$1"; u8 0; u8 0; u32 "$2"; }
ptr() { u8 5; u8 "$1"; u16 "$2"; u16 "$3"; }
cut() { u8 6; u8 0; u8 0; u8 0; u32 ${#1}; printf %s "$1"; }
# seed NAME PIECE: the piece-size byte, then the messages from stdin
seed() { { u8 "$2"; cat; } >"$cl/$1"; }

setpf 32 24 0 1 255 255 255 16 8 0 | seed setpf_default 0
setpf 16 16 1 1 31 63 31 11 5 0 | seed setpf_565_be 3
setpf 8 8 0 1 7 7 3 0 3 6 | seed setpf_bgr233 1
setpf 32 24 0 0 255 255 255 16 8 0 | seed setpf_bad_colourmap 0
setpf 32 24 0 1 255 255 255 8 8 0 | seed setpf_bad_overlap 0
setenc 16 1 0 -239 -223 | seed setenc 2
setenc | seed setenc_empty 0
{ u8 2; u8 0; u16 4097; } | seed setenc_bad_count 0
upd 1 0 0 1920 1080 | seed update_incremental 0
upd 0 10 20 30 40 | seed update_full 5
key 1 65293 | seed key_down 0
key 0 97 | seed key_up 7
ptr 1 100 200 | seed pointer 1
cut "hello, clipboard" | seed cut 4
cut "" | seed cut_empty 0
{ u8 6; u8 0; u8 0; u8 0; u32 1048577; } | seed cut_bad_len 0
{ u8 6; u8 0; u8 0; u8 0; u32 20; printf short; } | seed cut_truncated 2
u8 7 | seed bad_type 0
{
	setpf 32 24 0 1 255 255 255 16 8 0
	setenc 16 1 0 -239 -223
	upd 0 0 0 1920 1080
	key 1 65505; key 1 65; key 0 65; key 0 65505
	ptr 0 5 5; ptr 1 6 6; ptr 0 6 6
	cut "text"
	upd 1 0 0 1920 1080
} | seed session 9
{ setenc 16 0; upd 1 0 0 64 64; u8 9; key 1 1; } | seed session_bad_tail 15

# ServerInit W H pixfmt... NAME
init() {
	w=$1 h=$2 name=$3
	shift 3
	u16 "$w"; u16 "$h"; pixfmt "$@"; u32 ${#name}; printf %s "$name"
}
init 1920 1080 "bob@ws42" 32 24 0 1 255 255 255 16 8 0 >"$si/default"
init 1 1 "" 8 8 0 1 7 7 3 0 3 6 >"$si/tiny_bgr233"
init 16384 16384 "x" 16 16 1 1 31 63 31 11 5 0 >"$si/max_565"
init 0 768 "zero" 32 24 0 1 255 255 255 16 8 0 >"$si/bad_width"
init 1024 16385 "tall" 32 24 0 1 255 255 255 16 8 0 >"$si/bad_height"
init 1024 768 "fmt" 24 24 0 1 255 255 255 16 8 0 >"$si/bad_bpp"
{ u16 800; u16 600; pixfmt 32 24 0 1 255 255 255 16 8 0; u32 257; } \
    >"$si/bad_name_len"
{ u16 800; u16 600; pixfmt 32 24 0 1 255 255 255 16 8 0; u32 10
  printf 'abc'; } >"$si/truncated_name"
{ u16 800; u16 600; pixfmt 32 24 0 1 255 255 255 16 8 0; u32 3
  printf 'a'; u8 0; printf 'c'; } >"$si/bad_name_nul"
