/* Writes table.h: squares, and the pointer size of the machine that ran it. */
#include <stdio.h>

int main(int argc, char **argv) {
  FILE *f = argc > 1 ? fopen(argv[1], "w") : stdout;
  if (!f) return 1;
  fprintf(f, "static const int squares[] = {");
  for (int i = 0; i < 6; i++) fprintf(f, "%s%d", i ? ", " : "", i * i);
  fprintf(f, "};\n#define GEN_POINTER_BITS %d\n", (int)(8 * sizeof(void *)));
  return fclose(f) != 0;
}
