build/assistd/hostkey.o: assistd/hostkey.c assistd/hostkey.h
assistd/hostkey.h:
