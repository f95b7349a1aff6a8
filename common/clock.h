/*
 * clock: the one monotonic millisecond clock every deadline and timer in
 * assist is measured with (never the wall clock, which can jump).
 */
#ifndef ASSIST_CLOCK_H
#define ASSIST_CLOCK_H

/*
 * Milliseconds of CLOCK_MONOTONIC: meaningful only as a difference
 * between two calls in the same boot. Cannot fail on Linux (the clock
 * always exists and the argument is valid), so there is no error value.
 */
long long clock_now_ms(void);

#endif
