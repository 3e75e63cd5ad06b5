#ifndef GREET_H
#define GREET_H
/* Writes "Hello, <who>!" into buf (at most size bytes); returns buf. */
char *greet(char *buf, unsigned long size, const char *who);
const char *greet_version(void);
#endif
