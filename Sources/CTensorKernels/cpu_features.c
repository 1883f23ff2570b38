#include "CTensorKernels.h"
#include "cpu_features.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

struct ctk_cpu_features ctk_cpu_features(void)
{
    struct ctk_cpu_features f = {0};
#if defined(__x86_64__)
    __builtin_cpu_init();
    f.avx = __builtin_cpu_supports("avx");
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512vl = __builtin_cpu_supports("avx512vl");
    f.avx512bw = __builtin_cpu_supports("avx512bw");
    f.avx512dq = __builtin_cpu_supports("avx512dq");
    f.avx512cd = __builtin_cpu_supports("avx512cd");
    // AVX512_BF16 is CPUID leaf 7, sub-leaf 1, EAX bit 5. Read directly: the
    // runtime behind __builtin_cpu_supports (libgcc or compiler-rt) may be
    // older than the name "avx512bf16". Only meaningful with AVX-512F, which
    // already covers the OS check.
    unsigned eax, ebx, ecx, edx;
    if (f.avx512f && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx)) f.avx512bf16 = (eax >> 5) & 1;
#endif
    return f;
}

// OpenBLAS 0.3.21 (Debian 12's) built with DYNAMIC_ARCH picks its kernels
// from a table of CPU family/model numbers. CPUs newer than that table (e.g.
// Xeon family 6 model 207) fall through to "Prescott", SSE3 kernels at about
// a quarter of the speed the CPU can give. OPENBLAS_CORETYPE overrides the
// detection; the names below mirror OpenBLAS's own choice for the CPUs it
// does know (dynamic.c: AVX-512 with BF16 → Cooperlake, AVX-512 → SkylakeX,
// AVX2 → Haswell, AVX → Sandybridge), so on a known CPU the result is the
// same as its own detection. Newer OpenBLAS releases may know a finer core
// (SapphireRapids); its single-precision GEMM kernel is SkylakeX's, the one
// Cooperlake selects too.
const char *ctk_openblas_core_type(void)
{
    struct ctk_cpu_features f = ctk_cpu_features();
    if (f.avx512f && f.avx512vl && f.avx512bw && f.avx512dq && f.avx512cd) {
        return f.avx512bf16 ? "Cooperlake" : "SkylakeX";
    }
    if (f.avx2 && f.fma) return "Haswell";
    if (f.avx) return "Sandybridge";
    return NULL;
}
