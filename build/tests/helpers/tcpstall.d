build/tests/helpers/tcpstall.o: tests/helpers/tcpstall.c
