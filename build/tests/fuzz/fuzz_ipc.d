build/tests/fuzz/fuzz_ipc.o: tests/fuzz/fuzz_ipc.c common/ipc.h \
 common/buf.h
common/ipc.h:
common/buf.h:
