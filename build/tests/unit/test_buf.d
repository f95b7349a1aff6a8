build/tests/unit/test_buf.o: tests/unit/test_buf.c common/b64.h \
 common/buf.h common/ipc.h
common/b64.h:
common/buf.h:
common/ipc.h:
