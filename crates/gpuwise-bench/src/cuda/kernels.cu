// The small kernels gpuwise-bench launches on NVIDIA GPUs (src/cuda/kernels.rs loads them).
//
// This file is compiled to kernels.ptx beside it by scripts/ptx (NVRTC, compute_70); both files
// are committed, and the Rust code embeds the PTX. After editing this file, run scripts/ptx and
// commit the regenerated kernels.ptx with it.
//
// Every kernel is extern "C" so its PTX entry carries its plain name. Sizes that can exceed 2^31
// are 64-bit; loops are grid-stride, so any grid size covers any length.

// Threads per block of the reductions: a power of two, and the block size the Rust side launches
// them with (kernels.rs, THREADS).
#define THREADS 256

// Nothing: kernel launch latency.
extern "C" __global__ void empty() {}

template <typename T>
__device__ void add(const T* __restrict__ x, const T* __restrict__ y, T* __restrict__ out, unsigned long long n) {
    const unsigned long long step = (unsigned long long)blockDim.x * gridDim.x;
    for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += step) {
        out[i] = x[i] + y[i];
    }
}

// out = x + y, elementwise.
extern "C" __global__ void add_f32(const float* __restrict__ x, const float* __restrict__ y, float* __restrict__ out,
                                   unsigned long long n) {
    add(x, y, out, n);
}

extern "C" __global__ void add_f64(const double* __restrict__ x, const double* __restrict__ y,
                                   double* __restrict__ out, unsigned long long n) {
    add(x, y, out, n);
}

// One partial sum per block: each thread accumulates a grid-stride slice of x in T (four
// independent loads in flight per iteration), then the block adds its threads' sums in shared
// memory as a tree. Launched twice: over x into one partial per block, then with one block over
// those partials into the result. Must run with blockDim.x == THREADS.
template <typename T>
__device__ void sum(const T* __restrict__ x, T* __restrict__ partials, unsigned long long n) {
    __shared__ T lanes[THREADS];
    const unsigned long long step = (unsigned long long)blockDim.x * gridDim.x;
    unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
    T acc = 0;
    for (; i + 3 * step < n; i += 4 * step) {
        const T a = x[i], b = x[i + step], c = x[i + 2 * step], d = x[i + 3 * step];
        acc += (a + b) + (c + d);
    }
    for (; i < n; i += step) {
        acc += x[i];
    }
    lanes[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned int half = THREADS / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            lanes[threadIdx.x] += lanes[threadIdx.x + half];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = lanes[0];
    }
}

extern "C" __global__ void sum_f32(const float* __restrict__ x, float* __restrict__ partials, unsigned long long n) {
    sum(x, partials, n);
}

extern "C" __global__ void sum_f64(const double* __restrict__ x, double* __restrict__ partials,
                                   unsigned long long n) {
    sum(x, partials, n);
}

// Unfolds an NCHW input into columns (pixels x taps, row major; pixel = (image, y, x) over
// N x P x Q, tap = (channel, dy, dx) over C x R x S), 0 in the zero padding: the same index
// arithmetic as ConvShape::source in workload.rs. The Rust side keeps total = pixels x taps and
// every input index below 2^31, so 32-bit arithmetic (much cheaper division) cannot overflow.
extern "C" __global__ void im2col_f32(const float* __restrict__ input, float* __restrict__ columns, unsigned int c,
                                      unsigned int h, unsigned int w, unsigned int r, unsigned int s,
                                      unsigned int stride, unsigned int padding, unsigned int p, unsigned int q,
                                      unsigned int total) {
    const unsigned int taps = c * r * s;
    const unsigned int step = blockDim.x * gridDim.x;
    for (unsigned int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += step) {
        const unsigned int pixel = i / taps, tap = i % taps;
        const unsigned int image = pixel / (p * q), rest = pixel % (p * q);
        const unsigned int y = rest / q, x = rest % q;
        const unsigned int channel = tap / (r * s), within = tap % (r * s);
        const unsigned int dy = within / s, dx = within % s;
        // iy = y * stride + dy - padding, kept unsigned: below 0 it wraps past h and is skipped.
        const unsigned int iy = y * stride + dy - padding, ix = x * stride + dx - padding;
        columns[i] = (iy < h && ix < w) ? input[((image * c + channel) * h + iy) * w + ix] : 0.0f;
    }
}
