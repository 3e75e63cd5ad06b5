#include <stdio.h>
#include "table.h"

int main(void)
{
    unsigned i;
    printf("squares:");
    for (i = 0; i < sizeof squares / sizeof squares[0]; i++)
        printf(" %d", squares[i]);
    printf(" (table generated on %s)\n", GENERATED_ON);
    return 0;
}
