// Heap allocations of a benchmark process, counted by replacing malloc,
// calloc, realloc and the aligned allocators (memalign, aligned_alloc,
// posix_memalign, valloc, pvalloc) with wrappers over glibc's own
// (__libc_malloc and friends). operator new reaches malloc, so it is
// counted once, as everything else that allocates is, whichever library
// asks. A program gets the replacements by linking vireo_bench_alloc_count
// (the load library links it, so every load generator does).
//
// Counting costs a thread-local slot and a plain add per allocation; no
// locked instruction.
//
// Servers: InstallAllocationReport() makes SIGUSR1 write
// "allocations <N>\n" to stdout, which bench/rpc_bench.py reads before and
// after each run to divide by the calls made.
//
// Thread rules: any thread.
#ifndef VIREO_BENCH_LOAD_ALLOC_COUNT_H_
#define VIREO_BENCH_LOAD_ALLOC_COUNT_H_

#include <cstdint>

namespace vireo::bench {

// Heap allocations made by this process so far, every thread's.
uint64_t HeapAllocations();

// SIGUSR1 writes "allocations <HeapAllocations()>\n" to stdout
// (async-signal-safe: one write(2)).
void InstallAllocationReport();

}  // namespace vireo::bench

#endif  // VIREO_BENCH_LOAD_ALLOC_COUNT_H_
