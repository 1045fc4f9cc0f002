#include "malloc_shim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int bk_release_freed_heap(size_t pad) {
#if defined(__GLIBC__)
    return malloc_trim(pad);
#else
    (void)pad;
    return 0;
#endif
}
