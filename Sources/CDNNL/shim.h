// oneDNN (Debian's libdnnl-dev 2.6) through its C API, plus the OpenMP calls
// that size the thread team it runs on (Debian builds it on libgomp).
#ifndef TANDEM_CDNNL_SHIM_H
#define TANDEM_CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>

int omp_get_max_threads(void);
void omp_set_num_threads(int count);

#endif
