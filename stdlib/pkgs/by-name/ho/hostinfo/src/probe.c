#include <stdio.h>

int main(void)
{
    unsigned int one = 1;
    printf("pointer size: %u\n", (unsigned) sizeof(void *));
    printf("byte order: %s\n", *(unsigned char *) &one ? "little-endian" : "big-endian");
    return 0;
}
