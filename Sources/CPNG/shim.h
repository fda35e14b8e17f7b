// libpng: the simplified read API (png_image_*), which reports errors in the
// png_image structure instead of jumping, so Swift can call it directly.
#ifndef TANDEM_CPNG_SHIM_H
#define TANDEM_CPNG_SHIM_H
#include <png.h>
#endif
