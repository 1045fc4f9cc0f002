#ifndef BRIGHTKITCHEN_MALLOC_SHIM_H
#define BRIGHTKITCHEN_MALLOC_SHIM_H

#include <stddef.h>

/// Hands freed heap back to the kernel (glibc's malloc_trim, which Swift's Glibc module does
/// not export). Returns 1 when memory was released, 0 otherwise or where glibc is absent.
int bk_release_freed_heap(size_t pad);

#endif
