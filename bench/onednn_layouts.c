// oneDNN alone on the 28-pixel DCGAN convolutions: each primitive with activations in
// three layouts (plain NCHW, which oneDNN runs on its own im2col+GEMM; "any", where it
// picks its channel-blocked JIT kernels; NHWC), timed with the reorders from and to
// Tandem's NCHW float32 included, alternating the layouts round by round.
//
//   gcc -O2 bench/onednn_layouts.c -o /tmp/onednn_layouts -ldnnl
//   OMP_NUM_THREADS=1 /tmp/onednn_layouts BATCH [ROUNDS]
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { const char *name; int c, h, o, ho, k, s, p; } layer;
typedef struct { dnnl_primitive_t reorder; dnnl_memory_t from, to; } step;

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static dnnl_memory_t memory(const dnnl_memory_desc_t *md) {
    dnnl_memory_t m;
    void *data;
    dnnl_memory_create(&m, md, engine, DNNL_MEMORY_ALLOCATE);
    dnnl_memory_get_data_handle(m, &data);
    memset(data, 0, dnnl_memory_desc_get_size(md));
    return m;
}

// The memory a primitive uses for an argument, with the reorder from (input) or to (output) plain NCHW.
static dnnl_memory_t bind(const dnnl_memory_desc_t *wanted, const dnnl_memory_desc_t *plain, int input, step *s) {
    s->reorder = NULL;
    if (dnnl_memory_desc_equal(wanted, plain)) return memory(plain);
    dnnl_memory_t user = memory(plain), inner = memory(wanted);
    dnnl_primitive_desc_t pd;
    if (input) dnnl_reorder_primitive_desc_create(&pd, plain, engine, wanted, engine, NULL);
    else dnnl_reorder_primitive_desc_create(&pd, wanted, engine, plain, engine, NULL);
    dnnl_primitive_create(&s->reorder, pd);
    s->from = input ? user : inner;
    s->to = input ? inner : user;
    return inner;
}

static void run_step(step *s) {
    if (!s->reorder) return;
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, s->from}, {DNNL_ARG_TO, s->to}};
    dnnl_primitive_execute(s->reorder, stream, 2, args);
}

// Seconds per call of `primitive` (0 forward, 1 backward data, 2 backward weights) with activations in `tag`.
static double measure(layer l, int n, int primitive, dnnl_format_tag_t tag, const char **implementation) {
    dnnl_dims_t big = {n, l.c, l.h, l.h}, small = {n, l.o, l.ho, l.ho}, weights = {l.o, l.c, l.k, l.k};
    dnnl_dims_t strides = {l.s, l.s}, left = {l.p, l.p};
    int right_pad = (l.ho - 1) * l.s + l.k - l.h - l.p;
    dnnl_dims_t right = {right_pad, right_pad};
    dnnl_format_tag_t weight_tag = tag == dnnl_nchw ? dnnl_oihw : dnnl_format_tag_any;
    dnnl_memory_desc_t src, dst, wei, plain_src, plain_dst, plain_wei;
    dnnl_memory_desc_init_by_tag(&src, 4, big, dnnl_f32, tag);
    dnnl_memory_desc_init_by_tag(&dst, 4, small, dnnl_f32, tag);
    dnnl_memory_desc_init_by_tag(&wei, 4, weights, dnnl_f32, weight_tag);
    dnnl_memory_desc_init_by_tag(&plain_src, 4, big, dnnl_f32, dnnl_nchw);
    dnnl_memory_desc_init_by_tag(&plain_dst, 4, small, dnnl_f32, dnnl_nchw);
    dnnl_memory_desc_init_by_tag(&plain_wei, 4, weights, dnnl_f32, dnnl_oihw);
    dnnl_convolution_desc_t forward, backward;
    dnnl_primitive_desc_t hint, pd;
    if (dnnl_convolution_forward_desc_init(&forward, dnnl_forward_training, dnnl_convolution_direct, &src, &wei, NULL, &dst, strides, left, right) ||
        dnnl_primitive_desc_create(&hint, &forward, NULL, engine, NULL))
        return -1;
    pd = hint;
    if (primitive == 1 && (dnnl_convolution_backward_data_desc_init(&backward, dnnl_convolution_direct, &src, &wei, &dst, strides, left, right) ||
                           dnnl_primitive_desc_create(&pd, &backward, NULL, engine, hint)))
        return -1;
    if (primitive == 2 && (dnnl_convolution_backward_weights_desc_init(&backward, dnnl_convolution_direct, &src, &wei, NULL, &dst, strides, left, right) ||
                           dnnl_primitive_desc_create(&pd, &backward, NULL, engine, hint)))
        return -1;
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, implementation);
    dnnl_primitive_t conv;
    if (dnnl_primitive_create(&conv, pd)) return -1;
#define MD(query) dnnl_primitive_desc_query_md(pd, query, 0)
    step steps[3];
    dnnl_exec_arg_t args[4];
    if (primitive == 0) {
        args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, bind(MD(dnnl_query_src_md), &plain_src, 1, &steps[0])};
        args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, bind(MD(dnnl_query_weights_md), &plain_wei, 1, &steps[1])};
        args[2] = (dnnl_exec_arg_t){DNNL_ARG_DST, bind(MD(dnnl_query_dst_md), &plain_dst, 0, &steps[2])};
    } else if (primitive == 1) {
        args[0] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, bind(MD(dnnl_query_diff_dst_md), &plain_dst, 1, &steps[0])};
        args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, bind(MD(dnnl_query_weights_md), &plain_wei, 1, &steps[1])};
        args[2] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_SRC, bind(MD(dnnl_query_diff_src_md), &plain_src, 0, &steps[2])};
    } else {
        args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, bind(MD(dnnl_query_src_md), &plain_src, 1, &steps[0])};
        args[1] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, bind(MD(dnnl_query_diff_dst_md), &plain_dst, 1, &steps[1])};
        args[2] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_WEIGHTS, bind(MD(dnnl_query_diff_weights_md), &plain_wei, 0, &steps[2])};
    }
    int count = 3;
    const dnnl_memory_desc_t *scratch = MD(dnnl_query_scratchpad_md);
    if (scratch && dnnl_memory_desc_get_size(scratch) > 0) args[count++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, memory(scratch)};
    double flops = 2.0 * n * l.o * l.ho * l.ho * l.c * l.k * l.k;
    int calls = (int)(2e8 / flops) + 1;
    double best = 1e30;
    for (int repeat = 0; repeat < 3; repeat++) {
        double start = now();
        for (int i = 0; i < calls; i++) {
            run_step(&steps[0]);
            run_step(&steps[1]);
            dnnl_primitive_execute(conv, stream, count, args);
            run_step(&steps[2]);
        }
        dnnl_stream_wait(stream);
        double t = (now() - start) / calls;
        if (repeat > 0 && t < best) best = t;
    }
    return best;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s BATCH [ROUNDS]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || rounds < 1 || rounds > 64) {
        fprintf(stderr, "%s: BATCH must be at least 1 and ROUNDS 1 to 64\n", argv[0]);
        return 2;
    }
    dnnl_engine_create(&engine, dnnl_cpu, 0);
    dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    layer layers[] = {
        {"c1/d3 1<->64 28<->14", 1, 28, 64, 14, 5, 2, 2},
        {"c2/d2 64<->128 14<->7", 64, 14, 128, 7, 5, 2, 2},
        {"c3 128<->256 7<->4", 128, 7, 256, 4, 5, 2, 2},
        {"d1 128<->256 8<->4", 128, 8, 256, 4, 5, 2, 2},
    };
    const char *primitives[] = {"convolve (fwd)", "transposed (bwd data)", "weight gradient (bwd weights)"};
    dnnl_format_tag_t tags[] = {dnnl_nchw, dnnl_format_tag_any, dnnl_nhwc};
    const char *tag_names[] = {"nchw", "blocked", "nhwc"};
    printf("| layer | batch | primitive | nchw GFLOP/s | blocked GFLOP/s | nhwc GFLOP/s | kernels |\n| --- | --- | --- | --- | --- | --- | --- |\n");
    for (int l = 0; l < 4; l++) {
        for (int p = 0; p < 3; p++) {
            double seconds[3][64];
            const char *implementation[3] = {"-", "-", "-"};
            for (int r = 0; r < rounds; r++)
                for (int t = 0; t < 3; t++) seconds[t][r] = measure(layers[l], n, p, tags[t], &implementation[t]);
            double flops = 2.0 * n * layers[l].o * layers[l].ho * layers[l].ho * layers[l].c * layers[l].k * layers[l].k;
            printf("| %s | %d | %s |", layers[l].name, n, primitives[p]);
            for (int t = 0; t < 3; t++) {
                qsort(seconds[t], rounds, sizeof(double), compare);
                double median = seconds[t][rounds / 2];
                if (median < 0) printf(" none |");
                else printf(" %.1f |", flops / median / 1e9);
            }
            printf(" %s: %s, %s: %s, %s: %s |\n", tag_names[0], implementation[0], tag_names[1], implementation[1], tag_names[2], implementation[2]);
        }
    }
    return 0;
}
