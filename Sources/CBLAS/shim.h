// OpenBLAS's CBLAS interface (sgemm and friends) plus its thread control.
#ifndef TANDEM_CBLAS_SHIM_H
#define TANDEM_CBLAS_SHIM_H
#include <cblas.h>
#endif
