/* Fuzz target: IPC framing and message decoders (what the monitor reads
 * from a possibly compromised network process). */
#include <stdint.h>
#include <stdlib.h>
#include "common/ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipc c;
	struct buf body;
	uint8_t type;
	struct ipc_auth_result m;
	struct ipc_closed cl;
	struct ipc_ctl ctl;
	char *s;

	ipc_init(&c, -1);
	if (buf_put_bytes(&c.in, data, size) != BUF_OK) {
		ipc_free(&c);
		return 0;
	}
	while (ipc_next(&c, &type, &body) == 1) {
		if (type == IPC_AUTH_RESULT) {
			if (ipc_decode_auth_result(&body, &m) == BUF_OK)
				ipc_auth_result_free(&m);
		} else if (type == IPC_CLOSED) {
			if (ipc_decode_closed(&body, &cl) == BUF_OK)
				ipc_closed_free(&cl);
		} else if (ipc_is_ctl(type)) {
			if (ipc_decode_ctl(&body, type, &ctl) == BUF_OK)
				ipc_ctl_free(&ctl);
		} else if (ipc_decode_str(&body, &s) == BUF_OK) {
			free(s);
		}
	}
	ipc_free(&c);
	return 0;
}
