build/assistd/monitor.o: assistd/monitor.c assistd/monitor.h \
 assistd/listen.h common/authkeys.h assistd/net.h common/ipc.h \
 common/buf.h common/log.h
assistd/monitor.h:
assistd/listen.h:
common/authkeys.h:
assistd/net.h:
common/ipc.h:
common/buf.h:
common/log.h:
