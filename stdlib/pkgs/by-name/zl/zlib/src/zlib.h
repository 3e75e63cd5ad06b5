#ifndef TERN_ZLIB_STANDIN_H
#define TERN_ZLIB_STANDIN_H
/* Stand-in for zlib's header: only the version query. */
const char *zlibVersion(void);
#endif
