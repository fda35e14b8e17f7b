/* How long one gradient bucket's sum across ranks takes, three ways, with the
 * requests tested in a loop as Tandem's gradient stream does:
 *   reduce-scatter  MPI_Ireduce_scatter (what Tandem used before 2026-12-08)
 *   all-to-all+sum  MPI_Ialltoallv of every rank's parts, then each rank adds the
 *                   copies of its own part in rank order (what BucketReduction does)
 *   allgather       MPI_Iallgatherv in place: the second half of a replicated sum
 *
 *   mpicc -O2 -march=native bench/exchange.c -o /tmp/exchange
 *   mpirun -np 2 /tmp/exchange [FLOATS...]      (default: 65536 262144 1048576)
 *
 * Prints one JSON line per (floats, method): the median and the 10th percentile of
 * 200 timed repetitions in microseconds, each started after a barrier. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

enum { REPETITIONS = 200, WARMUP = 20 };

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void wait_by_testing(MPI_Request *request) {
    int done = 0;
    while (!done) MPI_Test(request, &done, MPI_STATUS_IGNORE);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int defaults[] = {65536, 262144, 1048576};
    int sizes = argc > 1 ? argc - 1 : 3;
    const char *methods[] = {"reduce-scatter", "all-to-all+sum", "allgather"};
    for (int s = 0; s < sizes; s++) {
        int total = argc > 1 ? atoi(argv[s + 1]) : defaults[s];
        int part = total / size;
        total = part * size;
        float *bucket = malloc(sizeof(float) * total), *received = malloc(sizeof(float) * total),
              *sum = malloc(sizeof(float) * part);
        int *counts = malloc(sizeof(int) * size), *offsets = malloc(sizeof(int) * size), *parts = malloc(sizeof(int) * size);
        for (int r = 0; r < size; r++) { counts[r] = part; offsets[r] = r * part; parts[r] = part; }
        for (int i = 0; i < total; i++) { bucket[i] = (float)(rank + 1) * (float)(i % 97); received[i] = 0; }
        for (int i = 0; i < part; i++) sum[i] = 0;
        for (int method = 0; method < 3; method++) {
            double times[REPETITIONS];
            for (int k = 0; k < WARMUP + REPETITIONS; k++) {
                MPI_Barrier(MPI_COMM_WORLD);
                double start = MPI_Wtime();
                MPI_Request request;
                if (method == 0) {
                    MPI_Ireduce_scatter(bucket, sum, counts, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
                    wait_by_testing(&request);
                } else if (method == 1) {
                    MPI_Ialltoallv(bucket, counts, offsets, MPI_FLOAT, received, parts, offsets, MPI_FLOAT, MPI_COMM_WORLD, &request);
                    wait_by_testing(&request);
                    for (int i = 0; i < part; i++) sum[i] = received[i] + received[part + i];
                    for (int r = 2; r < size; r++)
                        for (int i = 0; i < part; i++) sum[i] += received[r * part + i];
                } else {
                    MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_FLOAT, bucket, counts, offsets, MPI_FLOAT, MPI_COMM_WORLD, &request);
                    wait_by_testing(&request);
                }
                if (k >= WARMUP) times[k - WARMUP] = (MPI_Wtime() - start) * 1e6;
            }
            qsort(times, REPETITIONS, sizeof(double), compare);
            if (rank == 0)
                printf("{\"bench\": \"exchange\", \"ranks\": %d, \"floats\": %d, \"method\": \"%s\", \"median_us\": %.1f, \"p10_us\": %.1f}\n",
                       size, total, methods[method], times[REPETITIONS / 2], times[REPETITIONS / 10]);
        }
        free(bucket); free(received); free(sum); free(counts); free(offsets); free(parts);
    }
    MPI_Finalize();
    return 0;
}
