build/tests/unit/test_duration.o: tests/unit/test_duration.c \
 common/duration.h
common/duration.h:
