/* tern's hello: the classic greeting, and the version on request. */
#include <stdio.h>
#include <string.h>

#ifndef VERSION
#define VERSION "unknown"
#endif

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("hello %s\n", VERSION);
        return 0;
    }
    printf("Hello, world!\n");
    return 0;
}
