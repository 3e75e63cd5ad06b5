/* Fills a small image with pixman and reads a pixel back. */
#include <stdint.h>
#include <stdio.h>
#include <pixman.h>

int main(void) {
  uint32_t bits[16];
  pixman_image_t *img = pixman_image_create_bits(PIXMAN_a8r8g8b8, 4, 4, bits, 16);
  pixman_color_t color = {0x3333, 0x6666, 0x9999, 0xffff};
  pixman_box32_t box = {0, 0, 4, 4};
  pixman_image_fill_boxes(PIXMAN_OP_SRC, img, &color, 1, &box);
  printf("pixman %s: filled 4x4 with 0x%08x\n", pixman_version_string(), (unsigned)bits[15]);
  pixman_image_unref(img);
  return 0;
}
