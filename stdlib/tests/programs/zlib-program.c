/* Compresses a text with zlib and back, and says whether it survived. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(void) {
  const char *text = "the quick brown fox jumps over the lazy dog, twice: the quick brown fox";
  unsigned char packed[256], unpacked[256];
  uLongf packed_len = sizeof packed, unpacked_len = sizeof unpacked;
  if (compress(packed, &packed_len, (const unsigned char *)text, strlen(text)) != Z_OK) return 1;
  if (uncompress(unpacked, &unpacked_len, packed, packed_len) != Z_OK) return 1;
  int same = unpacked_len == strlen(text) && memcmp(unpacked, text, unpacked_len) == 0;
  printf("zlib %s: inflate(deflate(text)) %s text\n", zlibVersion(), same ? "==" : "!=");
  return same ? 0 : 1;
}
