// glibc's allocator statistics (`mallinfo2`, `malloc_trim`), which Swift's Glibc module
// does not export.
#ifndef C_MALLOC_INFO_H
#define C_MALLOC_INFO_H

#if defined(__linux__)
#include <malloc.h>
#endif

#endif
