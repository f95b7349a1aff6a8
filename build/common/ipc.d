build/common/ipc.o: common/ipc.c common/ipc.h common/buf.h
common/ipc.h:
common/buf.h:
