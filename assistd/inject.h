/*
 * inject: the helper's keyboard and pointer on the user's display, with
 * XTest. Called by the monitor only in control mode and only while no
 * consent question is on the screen (the caller checks; this module just
 * injects). Keysyms are mapped to keycodes with the shift level they
 * need; a keysym the keyboard map lacks is bound to a spare keycode for
 * the time of the press, as x11vnc and TigerVNC do.
 */
#ifndef ASSISTD_INJECT_H
#define ASSISTD_INJECT_H

#include <stddef.h>
#include <stdint.h>

struct inject;	/* opaque */

/* Opens its own connection to display (NULL: $DISPLAY). NULL with a
 * reason in err when XTest is missing. */
struct inject *inject_open(const char *display, char *err, size_t errsz);
void inject_close(struct inject *in);

/* A key press or release (RFB KeyEvent). 0, or -1 when the keysym cannot
 * be typed at all. */
int inject_key(struct inject *in, int down, uint32_t keysym);
/* Pointer position and button mask (RFB PointerEvent: bit 0 = button 1
 * ... bit 4 = wheel down). Presses/releases are derived from the change of
 * mask since the last call. */
int inject_pointer(struct inject *in, uint16_t x, uint16_t y, uint8_t mask);
/* Releases every key and button still held (end of control, mode drop):
 * the user's keyboard is never left with a stuck key. */
void inject_release_all(struct inject *in);

/* A keysym's name for the transcript ("a", "Return", "U+263A"), into out. */
void inject_keysym_name(uint32_t keysym, char *out, size_t outsz);

#endif
