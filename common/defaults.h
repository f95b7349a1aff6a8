/*
 * defaults: values assistd and assist-cli must agree on without talking
 * to each other first.
 */
#ifndef ASSIST_DEFAULTS_H
#define ASSIST_DEFAULTS_H

/* TCP port assistd listens on and assist-cli connects to by default. */
#define ASSIST_DEFAULT_PORT	5922

#endif
