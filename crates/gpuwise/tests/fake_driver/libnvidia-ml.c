/* A stand-in for the NVIDIA driver's libnvidia-ml.so.1 (NVML), compiled by tests/fake_driver.rs.
 * One H100-like device whose UUID matches the fake libcuda's. FAKE_INIT_RESULT sets what
 * nvmlInit_v2 returns (18: driver/library version mismatch); FAKE_LOST makes the memory query
 * answer "GPU is lost". The process list is refused, as NVML does for unprivileged containers.
 * FAKE_NO_SHUTDOWN leaves out nvmlShutdown; FAKE_HUGE_COUNT reports four billion devices. */
#include <stdio.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef void *nvmlDevice_t;
typedef struct {
    char busIdLegacy[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;

static int the_device;
enum { SUCCESS = 0, NO_PERMISSION = 4, GPU_IS_LOST = 15 };

nvmlReturn_t nvmlInit_v2(void) { return FAKE_INIT_RESULT; }
#ifndef FAKE_NO_SHUTDOWN
nvmlReturn_t nvmlShutdown(void) { return SUCCESS; }
#endif
nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) { snprintf(version, length, "580.159.04"); return SUCCESS; }
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version) { *version = 13000; return SUCCESS; }
#ifdef FAKE_HUGE_COUNT
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { *count = 4000000000u; return SUCCESS; }
#else
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { *count = 1; return SUCCESS; }
#endif
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) { (void)index; *device = &the_device; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) { (void)d; snprintf(uuid, length, "GPU-a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf"); return SUCCESS; }
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) { (void)d; snprintf(name, length, "NVIDIA H100 80GB HBM3"); return SUCCESS; }
nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t d, int *major, int *minor) { (void)d; *major = 9; *minor = 0; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *memory) {
    (void)d;
#ifdef FAKE_LOST
    (void)memory;
    return GPU_IS_LOST;
#else
    memory->total = 81559ULL << 20; memory->reserved = 328ULL << 20; memory->used = 2ULL << 20;
    memory->free = memory->total - memory->reserved - memory->used;
    return SUCCESS;
#endif
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci) {
    (void)d;
    memset(pci, 0, sizeof *pci);
    pci->bus = 0x18; pci->pciDeviceId = 0x233010de;
    snprintf(pci->busId, sizeof pci->busId, "00000000:18:00.0");
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:18:00.0");
    return SUCCESS;
}
nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t d, unsigned int *minor) { (void)d; *minor = 0; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t d, unsigned int *v) { (void)d; *v = 5; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t d, unsigned int *v) { (void)d; *v = 8; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t d, unsigned int *v) { (void)d; *v = 5; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t d, unsigned int *v) { (void)d; *v = 16; return SUCCESS; }
/* Clock types: 0 graphics, 1 SM, 2 memory. */
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) { (void)d; *mhz = type == 2 ? 2619 : 345; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t d, int type, unsigned int *mhz) { (void)d; *mhz = type == 2 ? 2619 : 1980; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetMemoryBusWidth(nvmlDevice_t d, unsigned int *bits) { (void)d; *bits = 5120; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t d, int *mode) { (void)d; *mode = 1; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t d, unsigned int *current, unsigned int *pending) { (void)d; *current = 0; *pending = 0; return SUCCESS; }
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, void *infos) { (void)d; (void)count; (void)infos; return NO_PERMISSION; }
