// CPU feature detection, shared by the kernel dispatcher and the OpenBLAS
// core-type choice. Internal to CTensorKernels.
#ifndef CTK_CPU_FEATURES_H
#define CTK_CPU_FEATURES_H

#include <stdbool.h>

struct ctk_cpu_features {
    bool avx, avx2, fma;
    bool avx512f, avx512vl, avx512bw, avx512dq, avx512cd, avx512bf16;
};

/// What this CPU and OS support (all false off x86-64). `__builtin_cpu_supports`
/// also checks that the OS saves the wider registers (XCR0), so a feature
/// reported here can be used.
struct ctk_cpu_features ctk_cpu_features(void);

#endif
