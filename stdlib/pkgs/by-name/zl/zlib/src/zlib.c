#include "zlib.h"
const char *zlibVersion(void) { return "1.3 (tern stand-in)"; }
