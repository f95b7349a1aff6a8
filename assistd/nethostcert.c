/*
 * nethostcert: the network process sends assistd's host certificate in
 * the authentication banner (common/hostcert.h), once, just before it
 * answers the helper's first authentication request: as sshd does with
 * its Banner, since the real ssh treats a banner that comes before its
 * service request is accepted as a protocol error ("bad message during
 * authentication: type 53"), and a banner sent before a reply is read by
 * every client before it offers a key.
 */
#include "assistd/netconn.h"

#include <stdlib.h>

#include "common/hostcert.h"
#include "common/log.h"

void
nethostcert_send(struct netconn *c)
{
	ssh_string s;
	char *text;

	if (c->hostcert_sent || c->p->host_cert == NULL)
		return;
	c->hostcert_sent = true;
	text = hostcert_banner_format(c->p->host_cert, c->p->host_cert_len);
	if (text == NULL || (s = ssh_string_from_char(text)) == NULL) {
		free(text);
		netconn_end(c, true, "Internal error",
		    "cannot build the host certificate banner");
		return;
	}
	if (ssh_send_issue_banner(c->s, s) != SSH_OK)
		netconn_end(c, false, NULL, "sending the host certificate: %s",
		    ssh_get_error(c->s));
	else
		log_debug("host certificate sent in the banner");
	ssh_string_free(s);
	free(text);
}
