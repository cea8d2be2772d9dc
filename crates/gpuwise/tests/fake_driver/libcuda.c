/* A stand-in for the NVIDIA driver's libcuda.so.1, compiled by tests/fake_driver.rs.
 * FAKE_INIT_RESULT sets what cuInit returns; FAKE_PARTIAL leaves out most symbols, as an
 * old or broken driver would. The device it reports has an H100's figures; an empty
 * CUDA_VISIBLE_DEVICES hides it, as with the real driver. FAKE_HANG makes cuInit never return;
 * FAKE_NULL_STRINGS answers error names and texts with NULL; FAKE_HUGE_COUNT reports 2^31-1
 * devices. */
#include <stdio.h>
#include <stdlib.h>

typedef int CUresult;

#include <unistd.h>

CUresult cuInit(unsigned int flags) {
    (void)flags;
#ifdef FAKE_HANG
    for (;;) pause(); /* a wedged driver */
#endif
    return FAKE_INIT_RESULT;
}
CUresult cuDriverGetVersion(int *version) { *version = 12040; return 0; }

#ifndef FAKE_PARTIAL
#ifdef FAKE_NULL_STRINGS
CUresult cuGetErrorName(CUresult error, const char **name) { (void)error; *name = NULL; return 0; }
CUresult cuGetErrorString(CUresult error, const char **text) { (void)error; *text = NULL; return 0; }
#else
CUresult cuGetErrorName(CUresult error, const char **name) {
    *name = error == 34 ? "CUDA_ERROR_STUB_LIBRARY" : error == 999 ? "CUDA_ERROR_UNKNOWN" : "CUDA_ERROR_OTHER";
    return 0;
}
CUresult cuGetErrorString(CUresult error, const char **text) {
    *text = error == 34 ? "CUDA driver is a stub library" : "unknown error";
    return 0;
}
#endif
/* Like the real driver, an empty CUDA_VISIBLE_DEVICES hides the device. */
CUresult cuDeviceGetCount(int *count) {
#ifdef FAKE_HUGE_COUNT
    *count = 2147483647;
    return 0;
#endif
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    *count = (visible != NULL && visible[0] == '\0') ? 0 : 1;
    return 0;
}
CUresult cuDeviceGet(int *device, int ordinal) { *device = ordinal; return 0; }
CUresult cuDeviceGetName(char *name, int length, int device) { (void)device; snprintf(name, length, "Fake H100"); return 0; }
CUresult cuDeviceGetUuid(unsigned char *uuid, int device) {
    (void)device;
    for (int i = 0; i < 16; i++) uuid[i] = (unsigned char)(0xa0 + i);
    return 0;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
    (void)device;
    switch (attribute) {
        case 16: *value = 132; break;      /* multiprocessors */
        case 33: *value = 0x18; break;     /* PCI bus */
        case 34: *value = 0; break;        /* PCI device */
        case 36: *value = 2619000; break;  /* memory clock, kHz */
        case 37: *value = 5120; break;     /* memory bus width, bits */
        case 38: *value = 52428800; break; /* L2 bytes */
        case 50: *value = 0; break;        /* PCI domain */
        case 75: *value = 9; break;        /* compute capability major */
        case 76: *value = 0; break;        /* compute capability minor */
        default: *value = 0;
    }
    return 0;
}
#endif

/* FAKE_BENCH_SYMBOLS: the rest of what the bench backend checks for, never reached (they
 * answer CUDA_ERROR_UNKNOWN). */
#ifdef FAKE_BENCH_SYMBOLS
CUresult cuDevicePrimaryCtxRetain(void) { return 999; }
CUresult cuDevicePrimaryCtxRelease_v2(void) { return 999; }
CUresult cuCtxGetCurrent(void) { return 999; }
CUresult cuCtxSetCurrent(void) { return 999; }
CUresult cuStreamCreate(void) { return 999; }
CUresult cuStreamDestroy_v2(void) { return 999; }
CUresult cuStreamSynchronize(void) { return 999; }
CUresult cuStreamWaitEvent(void) { return 999; }
CUresult cuMemGetInfo_v2(void) { return 999; }
CUresult cuMemAlloc_v2(void) { return 999; }
CUresult cuMemFree_v2(void) { return 999; }
CUresult cuMemAllocAsync(void) { return 999; }
CUresult cuMemFreeAsync(void) { return 999; }
CUresult cuMemHostAlloc(void) { return 999; }
CUresult cuMemFreeHost(void) { return 999; }
CUresult cuMemcpyHtoDAsync_v2(void) { return 999; }
CUresult cuMemcpyDtoHAsync_v2(void) { return 999; }
CUresult cuMemcpyDtoDAsync_v2(void) { return 999; }
CUresult cuMemsetD8Async(void) { return 999; }
CUresult cuEventCreate(void) { return 999; }
CUresult cuEventRecord(void) { return 999; }
CUresult cuEventSynchronize(void) { return 999; }
CUresult cuEventElapsedTime(void) { return 999; }
CUresult cuEventDestroy_v2(void) { return 999; }
CUresult cuModuleLoadData(void) { return 999; }
CUresult cuModuleGetFunction(void) { return 999; }
CUresult cuModuleUnload(void) { return 999; }
CUresult cuLaunchKernel(void) { return 999; }
#endif
