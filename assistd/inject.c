/*
 * inject: see inject.h. Its own X connection (xconn.c), with XTest.
 *
 * A key: the keysym is looked up in our copy of the keyboard map
 * (keymap.c): keycode and the modifiers it needs. The modifier state is
 * asked of the server (XQueryPointer) at each press, so what the helper
 * or the user already holds counts: Shift is pressed around the key when
 * it is needed and not down, and the Shift keys that are down are
 * released around it when it must not be (likewise the level-3 key,
 * AltGr); Caps Lock and Num Lock invert the need for letters and keypad
 * keys. A keysym the map lacks is bound to a keycode that has no keysym
 * (XChangeKeyboardMapping), the least recently used of those when all
 * are bound; bindings are undone by inject_release_all and
 * inject_close, not at each release: a client may translate the key
 * event after we would have undone it.
 *
 * The map is fetched again after any event on this connection: it
 * selects only XKB's NewKeyboardNotify and MapNotify (the user changed
 * layout, or we bound a key; a client that uses XKB, as Xlib does once
 * asked, gets no core MappingNotify for a new keyboard), plus the core
 * MappingNotify every client gets from a server without XKB. A keysym
 * not found is looked up once more in a fresh map before it is bound.
 */
#include "assistd/inject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>
#include <X11/extensions/XTest.h>

#include "assistd/keymap.h"
#include "assistd/xconn.h"

#define INJECT_HELD_MAX		64	/* keys the helper holds down */
#define INJECT_SPARE_MAX	32	/* free keycodes we bind */
#define INJECT_BUTTONS		8	/* RFB mask bits = buttons 1..8 */
#define INJECT_UNICODE		0x01000000u	/* keysym = this | code */
#define INJECT_UNICODE_LAST	0x10ffffu	/* the last code point */

struct inject_held {
	uint32_t keysym;
	int keycode;
};

struct inject_spare {
	int keycode;
	uint32_t keysym;	/* bound to, or 0 */
	uint64_t used;		/* tick of the last press */
};

struct inject {
	struct xconn x;
	int screen;
	struct keymap km;
	int km_stale;
	int shift_kc;		/* a Shift key, or 0 */
	int l3_kc;		/* the ISO_Level3_Shift key, or 0 */
	unsigned l3_mask, numlock_mask;	/* their modifier bits */
	struct inject_held held[INJECT_HELD_MAX];
	int nheld;
	struct inject_spare spare[INJECT_SPARE_MAX];
	int nspare;
	uint64_t tick;
	uint8_t buttons;
	int have_pos;
	uint16_t px, py;
};

/* ---- the keyboard map ---- */

/* The modifier bit (ShiftMask...Mod5Mask) whose row holds keycode. */
static unsigned
inject_mod_of(const XModifierKeymap *mm, int keycode)
{
	int row, i;

	for (row = 0; row < 8; row++)
		for (i = 0; i < mm->max_keypermod; i++)
			if (mm->modifiermap[row * mm->max_keypermod + i] ==
			    keycode)
				return 1u << row;
	return 0;
}

/* The first keycode of the Shift row that types a Shift keysym. */
static int
inject_shift_key(const struct inject *in, const XModifierKeymap *mm)
{
	int i, kc;
	uint32_t s;

	for (i = 0; i < mm->max_keypermod; i++) {
		kc = mm->modifiermap[ShiftMapIndex * mm->max_keypermod + i];
		s = keymap_get(&in->km, kc, 0);
		if (kc != 0 && (s == XK_Shift_L || s == XK_Shift_R))
			return kc;
	}
	return 0;
}

static int
inject_load_map(struct inject *in)
{
	XModifierKeymap *mm;
	KeySym *syms;
	int min, max, per, kc, mods, rc;

	XDisplayKeycodes(in->x.dpy, &min, &max);
	syms = XGetKeyboardMapping(in->x.dpy, (KeyCode)min, max - min + 1,
	    &per);
	if (syms == NULL)
		return -1;
	rc = keymap_set(&in->km, min, max - min + 1, per, syms);
	XFree(syms);
	if (rc != 0 || (mm = XGetModifierMapping(in->x.dpy)) == NULL)
		return -1;
	in->shift_kc = inject_shift_key(in, mm);
	in->l3_kc = 0;
	in->l3_mask = 0;
	if (keymap_find(&in->km, XK_ISO_Level3_Shift, 0, &kc, &mods) == 0 &&
	    mods == 0 && (in->l3_mask = inject_mod_of(mm, kc)) != 0)
		in->l3_kc = kc;
	in->numlock_mask = keymap_find(&in->km, XK_Num_Lock, 0, &kc,
	    &mods) == 0 ? inject_mod_of(mm, kc) : 0;
	XFreeModifiermap(mm);
	in->km_stale = 0;
	return 0;
}

/* Keycodes without any keysym at open: the ones we may bind. */
static void
inject_find_spares(struct inject *in)
{
	int kc;

	in->nspare = 0;
	for (kc = in->km.max; kc >= in->km.min &&
	    in->nspare < INJECT_SPARE_MAX; kc--)
		if (keymap_empty(&in->km, kc))
			in->spare[in->nspare++].keycode = kc;
}

/* Every event on this connection is about the keyboard map (see the
 * top). */
static void
inject_drain(struct inject *in)
{
	XEvent ev;

	while (!in->x.dead && XPending(in->x.dpy) > 0) {
		XNextEvent(in->x.dpy, &ev);
		if (ev.type == MappingNotify)
			XRefreshKeyboardMapping(&ev.xmapping);
		in->km_stale = 1;
	}
}

/* ---- keys ---- */

static struct inject_held *
inject_find_held(struct inject *in, uint32_t keysym)
{
	int i;

	for (i = 0; i < in->nheld; i++)
		if (in->held[i].keysym == keysym)
			return &in->held[i];
	return NULL;
}

static int
inject_key_held(const struct inject *in, int keycode)
{
	int i;

	for (i = 0; i < in->nheld; i++)
		if (in->held[i].keycode == keycode)
			return 1;
	return 0;
}

/* Binds keysym to a spare keycode; the keycode, or -1. */
static int
inject_bind(struct inject *in, uint32_t keysym)
{
	struct inject_spare *best = NULL;
	KeySym ks[2] = { keysym, keysym };
	int i;

	for (i = 0; i < in->nspare; i++) {
		struct inject_spare *s = &in->spare[i];

		if (s->keysym == keysym)
			return s->keycode;
		if (inject_key_held(in, s->keycode) ||
		    (s->keysym == 0 && !keymap_empty(&in->km, s->keycode)))
			continue;	/* pressed, or taken by a new layout */
		if (best == NULL || (best->keysym != 0 &&
		    (s->keysym == 0 || s->used < best->used)))
			best = s;
	}
	if (best == NULL)
		return -1;
	XChangeKeyboardMapping(in->x.dpy, best->keycode, 2, ks, 1);
	keymap_bind(&in->km, best->keycode, keysym);
	best->keysym = keysym;
	best->used = ++in->tick;
	return best->keycode;
}

/* Undoes every binding whose key is not held. */
static void
inject_unbind_all(struct inject *in)
{
	KeySym none = NoSymbol;
	int i;

	for (i = 0; i < in->nspare; i++) {
		struct inject_spare *s = &in->spare[i];

		if (s->keysym == 0 || inject_key_held(in, s->keycode))
			continue;
		XChangeKeyboardMapping(in->x.dpy, s->keycode, 1, &none, 1);
		keymap_bind(&in->km, s->keycode, 0);
		s->keysym = 0;
	}
}

static unsigned
inject_state(struct inject *in)
{
	Window root, child;
	int rx, ry, wx, wy;
	unsigned mask = 0;

	XQueryPointer(in->x.dpy, RootWindow(in->x.dpy, in->screen), &root,
	    &child, &rx, &ry, &wx, &wy, &mask);
	return mask;
}

static void
inject_fake_key(struct inject *in, int keycode, int down)
{
	XTestFakeKeyEvent(in->x.dpy, (unsigned)keycode, down ? True : False,
	    CurrentTime);
}

/* The keys of modifier bit that are down now (at most n of them). */
static int
inject_mod_keys_down(struct inject *in, unsigned bit, int *kcs, int n)
{
	XModifierKeymap *mm = XGetModifierMapping(in->x.dpy);
	char keys[32];
	int row, i, kc, k = 0;

	if (mm == NULL)
		return 0;
	XQueryKeymap(in->x.dpy, keys);
	for (row = 0; row < 8; row++) {
		if (bit != 1u << row)
			continue;
		for (i = 0; i < mm->max_keypermod && k < n; i++) {
			kc = mm->modifiermap[row * mm->max_keypermod + i];
			if (kc != 0 && (keys[kc / 8] & (1 << (kc % 8))))
				kcs[k++] = kc;
		}
	}
	XFreeModifiermap(mm);
	return k;
}

/*
 * Presses keycode with modifier bit in the state want (1 down, 0 up),
 * given whether it is down now: a modifier key pressed or released
 * around the press and put back after.
 */
#define INJECT_MODKEYS_MAX	8
struct inject_around {
	int pressed;			/* the key we pressed, or 0 */
	int released[INJECT_MODKEYS_MAX];
	int nreleased;
};

static void
inject_mod_before(struct inject *in, unsigned bit, int key, int want,
		  int have, struct inject_around *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (want && !have && key != 0) {
		inject_fake_key(in, key, 1);
		a->pressed = key;
	} else if (!want && have) {
		a->nreleased = inject_mod_keys_down(in, bit, a->released,
		    INJECT_MODKEYS_MAX);
		for (i = 0; i < a->nreleased; i++)
			inject_fake_key(in, a->released[i], 0);
	}
}

static void
inject_mod_after(struct inject *in, const struct inject_around *a)
{
	int i;

	if (a->pressed != 0)
		inject_fake_key(in, a->pressed, 0);
	for (i = 0; i < a->nreleased; i++)
		inject_fake_key(in, a->released[i], 1);
}

/* A key press with the modifiers its level needs. */
static void
inject_press_level(struct inject *in, int keycode, int mods)
{
	struct inject_around sh, l3;
	unsigned st = inject_state(in);
	int want_shift = (mods & KEYMAP_SHIFT) != 0;

	if ((mods & KEYMAP_ALPHA) && (st & LockMask))
		want_shift = !want_shift;
	if ((mods & KEYMAP_KEYPAD) && (st & in->numlock_mask))
		want_shift = !want_shift;
	inject_mod_before(in, in->l3_mask, in->l3_kc,
	    (mods & KEYMAP_LEVEL3) != 0, in->l3_mask && (st & in->l3_mask),
	    &l3);
	inject_mod_before(in, ShiftMask, in->shift_kc, want_shift,
	    (st & ShiftMask) != 0, &sh);
	inject_fake_key(in, keycode, 1);
	inject_mod_after(in, &sh);
	inject_mod_after(in, &l3);
}

static int
inject_key_down(struct inject *in, uint32_t keysym)
{
	struct inject_held *h = inject_find_held(in, keysym);
	int kc, mods, i;

	if (h != NULL) {		/* auto-repeat */
		inject_fake_key(in, h->keycode, 1);
		return 0;
	}
	if (in->nheld == INJECT_HELD_MAX)
		return -1;
	if (keymap_find(&in->km, keysym, in->l3_kc != 0, &kc, &mods) != 0 &&
	    (inject_load_map(in) != 0 ||
	    keymap_find(&in->km, keysym, in->l3_kc != 0, &kc, &mods) != 0)) {
		if ((kc = inject_bind(in, keysym)) < 0)
			return -1;
		mods = 0;
	}
	for (i = 0; i < in->nspare; i++)
		if (in->spare[i].keycode == kc)
			in->spare[i].used = ++in->tick;
	if (IsModifierKey(keysym))
		inject_fake_key(in, kc, 1);	/* as it comes */
	else
		inject_press_level(in, kc, mods);
	in->held[in->nheld].keysym = keysym;
	in->held[in->nheld].keycode = kc;
	in->nheld++;
	return 0;
}

static void
inject_key_up(struct inject *in, uint32_t keysym)
{
	struct inject_held *h = inject_find_held(in, keysym);

	if (h == NULL)
		return;		/* never pressed by us: nothing to release */
	inject_fake_key(in, h->keycode, 0);
	*h = in->held[--in->nheld];
}

int
inject_key(struct inject *in, int down, uint32_t keysym)
{
	int rc = 0;

	if (in->x.dead)
		return -1;
	inject_drain(in);
	if (in->km_stale && inject_load_map(in) != 0)
		return -1;
	if (down)
		rc = inject_key_down(in, keysym);
	else
		inject_key_up(in, keysym);
	XFlush(in->x.dpy);
	return in->x.dead ? -1 : rc;
}

/* ---- pointer ---- */

int
inject_pointer(struct inject *in, uint16_t x, uint16_t y, uint8_t mask)
{
	int b;

	if (in->x.dead)
		return -1;
	if (!in->have_pos || x != in->px || y != in->py ||
	    mask != in->buttons) {
		/* Also before a click: the user may have moved the
		 * pointer since, and the click must land where the helper
		 * saw it. */
		XTestFakeMotionEvent(in->x.dpy, in->screen, x, y, CurrentTime);
		in->have_pos = 1;
		in->px = x;
		in->py = y;
	}
	for (b = 0; b < INJECT_BUTTONS; b++) {
		uint8_t bit = (uint8_t)(1u << b);

		if ((mask ^ in->buttons) & bit)
			XTestFakeButtonEvent(in->x.dpy, (unsigned)b + 1,
			    (mask & bit) ? True : False, CurrentTime);
	}
	in->buttons = mask;
	XFlush(in->x.dpy);
	return in->x.dead ? -1 : 0;
}

/* ---- all of it ---- */

void
inject_release_all(struct inject *in)
{
	int b;

	if (in->x.dead)
		return;
	while (in->nheld > 0)
		inject_fake_key(in, in->held[--in->nheld].keycode, 0);
	for (b = 0; b < INJECT_BUTTONS; b++)
		if (in->buttons & (1u << b))
			XTestFakeButtonEvent(in->x.dpy, (unsigned)b + 1, False,
			    CurrentTime);
	in->buttons = 0;
	inject_unbind_all(in);
	XSync(in->x.dpy, False);
	inject_drain(in);
}

struct inject *
inject_open(const char *display, char *err, size_t errsz)
{
	struct inject *in = calloc(1, sizeof(*in));
	int evb, erb, maj, min;

	if (in == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (xconn_open(&in->x, display, err, errsz) != 0) {
		free(in);
		return NULL;
	}
	in->screen = DefaultScreen(in->x.dpy);
	if (!XTestQueryExtension(in->x.dpy, &evb, &erb, &maj, &min)) {
		snprintf(err, errsz, "the X server lacks the XTEST extension");
		goto fail;
	}
	/* Our input is not held up by another client's server grab. */
	XTestGrabControl(in->x.dpy, True);
	maj = XkbMajorVersion;
	min = XkbMinorVersion;
	if (XkbQueryExtension(in->x.dpy, &evb, &evb, &erb, &maj, &min))
		XkbSelectEvents(in->x.dpy, XkbUseCoreKbd,
		    XkbNewKeyboardNotifyMask | XkbMapNotifyMask,
		    XkbNewKeyboardNotifyMask | XkbMapNotifyMask);
	if (inject_load_map(in) != 0) {
		if (!xconn_lost(&in->x, err, errsz))
			snprintf(err, errsz, "cannot read the keyboard map");
		goto fail;
	}
	inject_find_spares(in);
	return in;
fail:
	inject_close(in);
	return NULL;
}

void
inject_close(struct inject *in)
{
	if (in == NULL)
		return;
	if (in->x.dpy != NULL && !in->x.dead) {
		inject_release_all(in);
		inject_unbind_all(in);	/* held ones are released now */
		XSync(in->x.dpy, False);
	}
	xconn_close(&in->x);
	keymap_free(&in->km);
	free(in);
}

void
inject_keysym_name(uint32_t keysym, char *out, size_t outsz)
{
	const char *name;

	if (outsz == 0)
		return;
	/* Before XKeysymToString: it allocates (and we would leak) a name
	 * for every keysym of the Unicode block. */
	if ((keysym & 0xff000000u) == INJECT_UNICODE) {
		if ((keysym & 0x00ffffffu) <= INJECT_UNICODE_LAST)
			snprintf(out, outsz, "U+%04X",
			    (unsigned)(keysym & 0xffffff));
		else
			snprintf(out, outsz, "0x%08X", (unsigned)keysym);
		return;
	}
	name = keysym != 0 ? XKeysymToString((KeySym)keysym) : NULL;
	if (name != NULL)
		snprintf(out, outsz, "%s", name);
	else
		snprintf(out, outsz, "0x%08X", (unsigned)keysym);
}
