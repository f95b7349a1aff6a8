build/assistd/listen.o: assistd/listen.c assistd/listen.h
assistd/listen.h:
