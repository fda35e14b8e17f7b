// zlib: inflate for gzip'd datasets, deflate and CRC-32 for PNG files.
#ifndef TANDEM_CZLIB_SHIM_H
#define TANDEM_CZLIB_SHIM_H
#include <zlib.h>
#endif
