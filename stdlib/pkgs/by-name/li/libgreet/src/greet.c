#include <stdio.h>
#include "greet.h"

char *greet(char *buf, unsigned long size, const char *who)
{
    snprintf(buf, size, "Hello, %s!", who);
    return buf;
}

const char *greet_version(void) { return "libgreet 1.0"; }
