build/assistd/main.o: assistd/main.c assistd/hostkey.h assistd/listen.h \
 assistd/monitor.h common/authkeys.h common/duration.h common/log.h
assistd/hostkey.h:
assistd/listen.h:
assistd/monitor.h:
common/authkeys.h:
common/duration.h:
common/log.h:
