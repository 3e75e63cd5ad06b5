#include <stdio.h>
#include <greet.h>

int main(int argc, char **argv)
{
    char buf[128];
    puts(greet(buf, sizeof buf, argc > 1 ? argv[1] : "greeter"));
    return 0;
}
