# assistd's input injection (assistd/inject.c) on a real Xvfb: keys sent
# as RFB keysyms by tests/helpers/inject_probe (run as the test account)
# reach a real X client (tests/helpers/xevents) as those keysyms: Shift
# pressed around what needs it and released around what must not have
# it, Caps Lock honoured, a keysym missing from the map (é) typed through
# a spare keycode that is given back afterwards, an AltGr symbol on a
# German layout typed with the level-3 key; clicks with buttons 1, 2, 3,
# the wheel (4/5) and the horizontal wheel (6/7) land where sent;
# inject_release_all leaves no key or button down (XQueryKeymap,
# XQueryPointer); keysym names for the transcript; an X server that goes
# away costs the injector, never the process.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/e2e/xvfb.inc"
. "$TOP/tests/e2e/probe_common.inc"

start_xvfb || { notok "Xvfb starts"; exit 1; }
for h in inject_probe xevents; do
	cp "$BUILD/tests/$h" "$T/bin/$h"
	chmod 0755 "$T/bin/$h"
done

fifo_start ev 7 "$T/bin/xevents"
wait_for "$T/ev.out" '^ready ' 10 || { notok "xevents starts"; exit 1; }
fifo_start inj 8 $RUNAS DISPLAY="$XDISPLAY" "$T/bin/inject_probe"
INJ=$LASTPID
if wait_for "$T/inj.out" '^ready' 10; then
	ok "injector opens on the display as $TEST_USER"
else
	notok "injector opens: $(cat "$T/inj.out" "$T/inj.err")"
	exit 1
fi

# inj CMD: one probe command; its answer line in $ANSWER.
inj() { ask inj "$1"; }

# settle: waits until xevents has printed nothing for 0.3 s.
settle() {
	s_last=-1
	while [ "$(nlines "$T/ev.out")" != "$s_last" ]; do
		s_last=$(nlines "$T/ev.out")
		sleep 0.3
	done
}

# typed N: the KeyPress keysyms after line N, modifiers left out, on
# one line.
typed() {
	since "$T/ev.out" "$1" | awk '$1 == "key" && $2 !~ /^(Shift_[LR]|ISO_Level3_Shift|Caps_Lock)$/ { printf "%s ", $2 }' |
	    sed 's/ $//'
}

# 1. Typing, with Shift and a keysym the map lacks.
n=$(nlines "$T/ev.out")
inj "type Hello, World! é"
settle
GOT=$(typed "$n")
check "\"Hello, World! é\" arrives as its keysyms ($GOT)" test "$GOT" = \
    "H e l l o comma space W o r l d exclam space eacute"
check "Shift was pressed around H, W and !" test "$(since "$T/ev.out" "$n" |
    awk '$1 == "key" && $2 == "Shift_L"' | wc -l)" = 3
check "... and the letters that needed it carry it (state 0x1)" sh -c \
    "tail -n +$((n + 1)) '$T/ev.out' | grep -q '^key H .* 0x1\$' &&
    tail -n +$((n + 1)) '$T/ev.out' | grep -q '^key e .* 0x0\$'"
EKC=$(since "$T/ev.out" "$n" | awk '$1 == "key" && $2 == "eacute" { print $3 }')
check "é came from a spare keycode bound for it ($EKC)" sh -c \
    "xmodmap -pke | grep -q '^keycode *$EKC = eacute'"

# 2. The helper holds Shift and sends a lowercase keysym: Shift is
# released around it; an uppercase one needs no extra Shift.
n=$(nlines "$T/ev.out")
inj "key down Shift_L"
inj "key down a"
inj "key up a"
inj "key down B"
inj "key up B"
inj "key up Shift_L"
settle
GOT=$(typed "$n")
check "with Shift held, a and B arrive as a and B ($GOT)" test "$GOT" = "a B"

# 3. Caps Lock: letters keep the case the helper sent.
n=$(nlines "$T/ev.out")
inj "key down Caps_Lock"
inj "key up Caps_Lock"
inj "type aB1"
inj "key down Caps_Lock"
inj "key up Caps_Lock"
settle
GOT=$(typed "$n")
check "with Caps Lock on, \"aB1\" arrives as a B 1 ($GOT)" test "$GOT" = "a B 1"

# 4. AltGr: '@' on a German layout is level 3 of the Q key.
if setxkbmap -display "$XDISPLAY" de 2>"$T/setxkbmap.err"; then
	sleep 0.3
	n=$(nlines "$T/ev.out")
	inj "type @z"
	settle
	GOT=$(typed "$n")
	AT=$(since "$T/ev.out" "$n" | awk '$1 == "key" && $2 == "at"')
	set -- $AT
	check "on a German layout \"@z\" arrives as at z ($GOT)" \
	    test "$GOT" = "at z"
	check "'@' is AltGr+Q: keycode 24 with the level-3 modifier ($AT)" \
	    test "${3:-}" = 24 -a $((${4:-0} & 0x80)) = 128
	check "AltGr itself was pressed and released around it" sh -c \
	    "tail -n +$((n + 1)) '$T/ev.out' | grep -q '^key ISO_Level3_Shift' &&
	    tail -n +$((n + 1)) '$T/ev.out' | grep -q '^keyup ISO_Level3_Shift'"
	setxkbmap -display "$XDISPLAY" us
	sleep 0.3
else
	notok "setxkbmap de: $(cat "$T/setxkbmap.err")"
fi

# 5. Clicks and wheels where they are sent.
n=$(nlines "$T/ev.out")
inj "pointer 100 200 1"
inj "pointer 100 200 0"
inj "pointer 321 123 2"
inj "pointer 321 123 0"
inj "pointer 500 600 4"
inj "pointer 500 600 0"
inj "pointer 50 60 8"
inj "pointer 50 60 0"
inj "pointer 50 60 16"
inj "pointer 50 60 0"
inj "pointer 70 80 32"
inj "pointer 70 80 0"
inj "pointer 70 80 64"
inj "pointer 70 80 0"
settle
GOT=$(since "$T/ev.out" "$n" | awk '$1 == "button" { printf "%s@%s,%s ", $2, $3, $4 }' | sed 's/ $//')
check "buttons 1 2 3, wheel 4 5, horizontal 6 7 land where sent ($GOT)" \
    test "$GOT" = "1@100,200 2@321,123 3@500,600 4@50,60 5@50,60 6@70,80 7@70,80"
UPS=$(since "$T/ev.out" "$n" | grep -c '^buttonup ')
check "each press has its release ($UPS)" test "$UPS" = 7
n=$(nlines "$T/ev.out")
inj "pointer 200 220 1"
inj "pointer 260 240 1"
inj "pointer 260 240 0"
settle
check "a drag: pressed at one place, released at another" sh -c \
    "tail -n +$((n + 1)) '$T/ev.out' | grep -q '^button 1 200 220' &&
    tail -n +$((n + 1)) '$T/ev.out' | grep -q '^buttonup 1 260 240'"

# 6. release_all: nothing stays down, the spare keycode is given back.
inj "type é"
inj "key down Control_L"
inj "key down x"
inj "key down U+263A"
inj "pointer 10 10 5"
inj keysdown
set -- $ANSWER
check "before release_all keys and buttons are down ($ANSWER)" \
    test "$2" -ge 3 -a "$(echo "$ANSWER" | sed 's/.*buttons //')" = 0x500
inj release
inj keysdown
check "release_all leaves no key and no button down ($ANSWER)" \
    test "$ANSWER" = "keysdown 0 buttons 0x0"
check "the spare keycodes are given back (no é, no ☺ in the map)" sh -c \
    "! xmodmap -pke | grep -Eq '= (eacute|U263A)( |\$)'"
n=$(nlines "$T/ev.out")
inj "type é"
settle
check "é still types after that ($(typed "$n"))" test "$(typed "$n")" = eacute
inj release

# 7. Keysym names for the transcript.
for pair in "a:a" "0xff0d:Return" "U+263A:U+263A" "0xe9:eacute" \
    "0x12345678:0x12345678" "0x1ffffff:0x01FFFFFF"; do
	inj "name ${pair%%:*}"
	check "keysym ${pair%%:*} is named ${pair#*:}" \
	    test "$ANSWER" = "name ${pair#*:}"
done

# 8. The X server goes away: the injector fails, the process does not.
stop "$XPID"
sleep 0.3
inj "key down a"
check "after the X server went away a key fails ($ANSWER)" test "$ANSWER" = error
inj "pointer 1 1 1"
check "... and so does the pointer ($ANSWER)" test "$ANSWER" = error
printf 'quit\n' >"$T/inj.in"
wait_exit "$INJ" 5
check "the process survives it and exits normally (status $EXITCODE)" \
    test "$EXITCODE" = 0
