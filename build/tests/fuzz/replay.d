build/tests/fuzz/replay.o: tests/fuzz/replay.c
