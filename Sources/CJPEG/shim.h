// libjpeg-turbo: libjpeg reports errors by calling an error handler that must not
// return, so decoding and encoding run in these two C functions, which catch the
// error with setjmp/longjmp (Swift cannot) and hand back a message instead.
#ifndef TANDEM_CJPEG_SHIM_H
#define TANDEM_CJPEG_SHIM_H
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct tandem_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void tandem_jpeg_fail(j_common_ptr info) {
    struct tandem_jpeg_error *error = (struct tandem_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

// Warnings (corrupt or truncated data) are kept, not printed: the caller treats them as failures.
static void tandem_jpeg_note(j_common_ptr info) {
    struct tandem_jpeg_error *error = (struct tandem_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
}

static void tandem_jpeg_copy_message(const char *text, char *message, size_t message_size) {
    if (message_size == 0) return;
    strncpy(message, text, message_size - 1);
    message[message_size - 1] = 0;
}

/// Decodes the JPEG in `data` to 8-bit grayscale (one component) or RGB (three,
/// interleaved). Returns 0 and a malloc'd buffer in *pixels (free it with free()),
/// or 1 with a message. Images over `max_pixels` pixels are refused, and any libjpeg
/// warning (corrupt or truncated data) counts as a failure.
static inline int tandem_jpeg_decode(
    const unsigned char *data, unsigned long size, unsigned long max_pixels, unsigned char **pixels, int *width,
    int *height, int *components, char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    struct tandem_jpeg_error error;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = tandem_jpeg_fail;
    error.manager.output_message = tandem_jpeg_note;
    error.message[0] = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(buffer);
        tandem_jpeg_copy_message(error.message, message, message_size);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = info.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
    if ((unsigned long)info.image_width * (unsigned long)info.image_height > max_pixels) {
        snprintf(error.message, sizeof error.message, "%ux%u pixels, more than the %lu allowed", info.image_width,
                 info.image_height, max_pixels);
        longjmp(error.jump, 1);
    }
    jpeg_start_decompress(&info);
    size_t row = (size_t)info.output_width * (size_t)info.output_components;
    buffer = malloc(row * info.output_height);
    if (buffer == NULL) {
        snprintf(error.message, sizeof error.message, "out of memory for %u rows", info.output_height);
        longjmp(error.jump, 1);
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW rows[1] = {buffer + row * info.output_scanline};
        jpeg_read_scanlines(&info, rows, 1);
    }
    jpeg_finish_decompress(&info);
    if (error.manager.num_warnings > 0) longjmp(error.jump, 1);
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *components = info.output_components;
    jpeg_destroy_decompress(&info);
    *pixels = buffer;
    return 0;
}

/// Encodes 8-bit grayscale (one component) or interleaved RGB (three) pixels as a
/// baseline JPEG of `quality` (1...100). Returns 0 and a malloc'd buffer in *output
/// (free it with free()), or 1 with a message.
static inline int tandem_jpeg_encode(
    const unsigned char *pixels, int width, int height, int components, int quality, unsigned char **output,
    unsigned long *output_size, char *message, size_t message_size) {
    struct jpeg_compress_struct info;
    struct tandem_jpeg_error error;
    *output = NULL;
    *output_size = 0;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = tandem_jpeg_fail;
    error.manager.output_message = tandem_jpeg_note;
    error.message[0] = 0;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&info);
        *output = NULL;  // libjpeg may still own the partial buffer; leave it to libjpeg
        tandem_jpeg_copy_message(error.message, message, message_size);
        return 1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, output, output_size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = components;
    info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    size_t row = (size_t)width * (size_t)components;
    while (info.next_scanline < info.image_height) {
        JSAMPROW rows[1] = {(JSAMPROW)(pixels + row * info.next_scanline)};
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return 0;
}
#endif
