#!/bin/sh
# Regenerates the seed corpus of fuzz_ctlproto (control-channel frames,
# good and bad) and the ipc_ctl seeds of fuzz_ipc (ctl_*), by the wire
# forms of common/ctlproto.h and common/ipc.h.
# usage: sh tests/fuzz/mkcorpus_ctl.sh
set -eu
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=$top/tests/fuzz/corpus/ctlproto
ipc=$top/tests/fuzz/corpus/ipc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$ctl" "$ipc"

oct() { printf "\\$(printf %03o "$1")"; }
u8() { oct $(($1 & 255)); }
u32() { u8 $(($1 >> 24)); u8 $(($1 >> 16)); u8 $(($1 >> 8)); u8 "$1"; }
str() { u32 ${#1}; printf %s "$1"; }
# frame TYPE: one frame around the body read from stdin
frame() {
	cat >"$tmp/body"
	u32 $(($(wc -c <"$tmp/body") + 1)); u8 "$1"; cat "$tmp/body"
}
hello() { { u32 "$1"; str "$2"; str "$3"; } | frame 1; }
reqctl() { printf '' | frame 2; }
waiting() { { str "$1"; str "$2"; u32 "$3"; } | frame 64; }
state() { { str "$1"; str "$2"; str "$3"; str "$4"; } | frame 65; }

# good frames, one per type and state
hello 1 view "" >"$ctl/hello_view"
hello 1 control "ticket #4711" >"$ctl/hello_control"
reqctl >"$ctl/request_control"
waiting bob 482913 60 >"$ctl/waiting"
state accepted view "" "" >"$ctl/state_accepted"
state refused "" "" "the user said no" >"$ctl/state_refused"
state timeout "" "" "" >"$ctl/state_timeout"
state busy "" "" "with another helper" >"$ctl/state_busy"
state ended "" user "session ended by the user" >"$ctl/state_ended"
state mode view user "" >"$ctl/state_mode"
state control_refused view user "" >"$ctl/state_control_refused"
# a whole conversation in one stream
{ hello 1 view "why"; waiting bob 123456 30; state accepted view "" "";
  reqctl; state control_refused view timeout "";
  state ended "" shutdown "assistd stopped"; } >"$ctl/conversation"
# bad ones
hello 2 view "" >"$ctl/bad_version"
hello 1 admin "" >"$ctl/bad_mode"
state accepted "" "" "" >"$ctl/bad_accepted_nomode"
state mode view timeout "" >"$ctl/bad_mode_by"
waiting bob 48a913 60 >"$ctl/bad_code"
{ hello 1 view ""; u8 0; } >"$ctl/partial_tail"
{ u32 5; u8 2; u32 0; } >"$ctl/bad_request_trailing"
{ u32 0; u8 1; } >"$ctl/bad_len0"
{ u32 16385; u8 1; } >"$ctl/bad_len_over"
{ u32 18; u8 1; u32 1; u32 5; printf 'vi\000ew'; u32 0; } >"$ctl/bad_nul"
{ u32 1; u8 3; } >"$ctl/bad_type"

# ipc_ctl messages for fuzz_ipc: u8 mode, u8 kind, u32 num, text, text2
ipcctl() { { u8 "$2"; u8 "$3"; u32 "$4"; str "$5"; str "$6"; } | frame "$1"; }
ipcctl 2 2 1 0 "ticket 4711" "" >"$ipc/ctl_session_request"
ipcctl 4 0 0 0 "" "" >"$ipc/ctl_mode_request"
ipcctl 5 0 0 0 "123456" "" >"$ipc/ctl_code_check"
ipcctl 64 1 0 0 "" "" >"$ipc/ctl_grant"
ipcctl 65 0 1 0 "the user said no" "" >"$ipc/ctl_deny"
ipcctl 66 0 5 0 "ended by the user" "" >"$ipc/ctl_shutdown"
ipcctl 67 0 0 60 "482913" "bob" >"$ipc/ctl_consent_wait"
ipcctl 68 1 1 0 "" "" >"$ipc/ctl_mode"
ipcctl 69 0 1 2 "" "" >"$ipc/ctl_code_result"
ipcctl 64 3 0 0 "" "" >"$ipc/ctl_bad_grant_mode"
ipcctl 65 0 8 0 "" "" >"$ipc/ctl_bad_deny_kind"
ipcctl 67 0 0 60 "" "bob" >"$ipc/ctl_bad_wait_nocode"
