#include "jpeg_shim.h"

/* jpeglib.h uses size_t and FILE without including their headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

/* ---- error manager: libjpeg's failures end here, never in Swift ---- */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    bkj_report *report;   /* the current call's report; never NULL while libjpeg runs */
    int strict;
    bkj_status status;    /* what the longjmp means */
} bkj_error_mgr;

static bkj_problem classify(int code) {
    switch (code) {
    case JERR_NO_SOI:
        return BKJ_PROBLEM_NOT_JPEG;
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
    case JWRN_JPEG_EOF:
        return BKJ_PROBLEM_TRUNCATED;
    case JERR_NO_BACKING_STORE:
        return BKJ_PROBLEM_TOO_MUCH_MEMORY;
    case JERR_NOT_COMPILED:
    case JERR_NOTIMPL:
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
        return BKJ_PROBLEM_UNSUPPORTED;
    default:
        return BKJ_PROBLEM_CORRUPT;
    }
}

static void record_message(j_common_ptr cinfo, bkj_report *report) {
    report->code = cinfo->err->msg_code;
    report->problem = classify(report->code);
    cinfo->err->format_message(cinfo, report->message);
}

static void on_error_exit(j_common_ptr cinfo) {
    bkj_error_mgr *err = (bkj_error_mgr *)cinfo->err;
    record_message(cinfo, err->report);
    err->status = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ? BKJ_OUT_OF_MEMORY : BKJ_ERROR;
    longjmp(err->jump, 1);
}

/* Warnings that say nothing about the pixels: an odd JFIF revision or a broken ICC profile. */
static int is_benign_warning(int code) {
    return code == JWRN_JFIF_MAJOR || code == JWRN_BOGUS_ICC;
}

static void on_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  /* trace messages: not wanted */
    bkj_error_mgr *err = (bkj_error_mgr *)cinfo->err;
    int code = cinfo->err->msg_code;
    if (is_benign_warning(code)) return;
    cinfo->err->num_warnings++;
    err->report->warnings++;
    if (err->report->warnings == 1) record_message(cinfo, err->report);
    if (err->strict) {
        err->status = BKJ_CORRUPT_DATA;
        longjmp(err->jump, 1);
    }
}

static void install_error_manager(bkj_error_mgr *err, bkj_report *report) {
    jpeg_std_error(&err->pub);
    err->pub.error_exit = on_error_exit;
    err->pub.emit_message = on_emit_message;
    err->report = report;
    err->strict = 0;
    err->status = BKJ_OK;
}

static void begin_call(bkj_error_mgr *err, bkj_report *report, int strict) {
    report->code = -1;
    report->problem = BKJ_PROBLEM_NONE;
    report->warnings = 0;
    report->message[0] = '\0';
    err->report = report;
    err->strict = strict;
    err->status = BKJ_OK;
    err->pub.num_warnings = 0;
}

static void fail_with(bkj_report *report, bkj_problem problem, const char *text) {
    report->code = -1;
    report->problem = problem;
    snprintf(report->message, BKJ_MESSAGE_LENGTH, "%s", text);
}

/* ---- decoder ---- */

struct bkj_decoder {
    struct jpeg_decompress_struct cinfo;
    bkj_error_mgr err;
    bkj_report idle_report;  /* receives messages outside a call (jpeg_create_*); calls bring their own */
};

bkj_decoder *bkj_decoder_create(void) {
    bkj_decoder *decoder = calloc(1, sizeof(bkj_decoder));
    if (decoder == NULL) return NULL;
    install_error_manager(&decoder->err, &decoder->idle_report);
    decoder->cinfo.err = &decoder->err.pub;
    if (setjmp(decoder->err.jump)) {
        jpeg_destroy_decompress(&decoder->cinfo);
        free(decoder);
        return NULL;
    }
    jpeg_create_decompress(&decoder->cinfo);
    return decoder;
}

void bkj_decoder_destroy(bkj_decoder *decoder) {
    if (decoder == NULL) return;
    jpeg_destroy_decompress(&decoder->cinfo);
    free(decoder);
}

static void fill_header_info(const struct jpeg_decompress_struct *cinfo, bkj_image_info *info) {
    info->width = cinfo->image_width;
    info->height = cinfo->image_height;
    info->components = cinfo->num_components;
    info->progressive = cinfo->progressive_mode ? 1 : 0;
}

bkj_status bkj_read_header(bkj_decoder *decoder, const uint8_t *data, size_t size,
                           bkj_image_info *info, bkj_report *report) {
    if (decoder == NULL || info == NULL || report == NULL) return BKJ_INVALID_ARGUMENT;
    begin_call(&decoder->err, report, 0);
    memset(info, 0, sizeof(*info));
    if (data == NULL || size == 0) {
        fail_with(report, BKJ_PROBLEM_TRUNCATED, "Empty input");
        return BKJ_ERROR;
    }
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->err.jump)) {
        jpeg_abort_decompress(cinfo);
        return decoder->err.status;
    }
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    fill_header_info(cinfo, info);
    jpeg_abort_decompress(cinfo);
    return BKJ_OK;
}

static int valid_scale(int denom) {
    return denom == 1 || denom == 2 || denom == 4 || denom == 8;
}

/* Reads every scanline straight into the caller's rows: no intermediate copy. */
static void read_rows(struct jpeg_decompress_struct *cinfo, uint8_t *out, size_t row_bytes) {
    JSAMPROW rows[16];
    while (cinfo->output_scanline < cinfo->output_height) {
        JDIMENSION first = cinfo->output_scanline;
        JDIMENSION count = cinfo->output_height - first;
        if (count > 16) count = 16;
        for (JDIMENSION i = 0; i < count; i++) rows[i] = out + (size_t)(first + i) * row_bytes;
        jpeg_read_scanlines(cinfo, rows, count);
    }
}

bkj_status bkj_decode(bkj_decoder *decoder, const uint8_t *data, size_t size,
                      const bkj_decode_options *options, uint8_t *out, size_t capacity,
                      bkj_image_info *info, bkj_report *report) {
    if (decoder == NULL || options == NULL || info == NULL || report == NULL) return BKJ_INVALID_ARGUMENT;
    begin_call(&decoder->err, report, options->strict);
    memset(info, 0, sizeof(*info));
    if (!valid_scale(options->scale_denom)) {
        fail_with(report, BKJ_PROBLEM_NONE, "Scale denominator must be 1, 2, 4 or 8");
        return BKJ_INVALID_ARGUMENT;
    }
    if (data == NULL || size == 0) {
        fail_with(report, BKJ_PROBLEM_TRUNCATED, "Empty input");
        return BKJ_ERROR;
    }
    struct jpeg_decompress_struct *cinfo = &decoder->cinfo;
    if (setjmp(decoder->err.jump)) {
        jpeg_abort_decompress(cinfo);
        return decoder->err.status;
    }
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    fill_header_info(cinfo, info);
    if (options->max_dimension > 0 &&
        (cinfo->image_width > options->max_dimension || cinfo->image_height > options->max_dimension)) {
        snprintf(report->message, BKJ_MESSAGE_LENGTH, "Image is %ux%u, above the limit of %u pixels a side",
                 (unsigned)cinfo->image_width, (unsigned)cinfo->image_height, (unsigned)options->max_dimension);
        jpeg_abort_decompress(cinfo);
        return BKJ_TOO_LARGE;
    }
    cinfo->mem->max_memory_to_use = (long)options->max_memory;
    cinfo->scale_num = 1;
    cinfo->scale_denom = (unsigned int)options->scale_denom;
    cinfo->out_color_space = options->grayscale ? JCS_GRAYSCALE : JCS_RGB;
    cinfo->dct_method = options->fast ? JDCT_IFAST : JDCT_ISLOW;
    cinfo->do_fancy_upsampling = options->fast ? FALSE : TRUE;
    jpeg_calc_output_dimensions(cinfo);
    info->out_width = cinfo->output_width;
    info->out_height = cinfo->output_height;
    info->out_components = cinfo->out_color_components;
    size_t row_bytes = (size_t)cinfo->output_width * (size_t)cinfo->out_color_components;
    if (out == NULL || capacity < row_bytes * cinfo->output_height) {
        jpeg_abort_decompress(cinfo);
        return BKJ_BUFFER_TOO_SMALL;
    }
    jpeg_start_decompress(cinfo);
    read_rows(cinfo, out, row_bytes);
    jpeg_finish_decompress(cinfo);
    return BKJ_OK;
}

/* ---- encoder ---- */

struct bkj_encoder {
    struct jpeg_compress_struct cinfo;
    bkj_error_mgr err;
    bkj_report idle_report;  /* receives messages outside a call (jpeg_create_*); calls bring their own */
    unsigned char *buffer;
    unsigned long capacity;
};

bkj_encoder *bkj_encoder_create(void) {
    bkj_encoder *encoder = calloc(1, sizeof(bkj_encoder));
    if (encoder == NULL) return NULL;
    install_error_manager(&encoder->err, &encoder->idle_report);
    encoder->cinfo.err = &encoder->err.pub;
    if (setjmp(encoder->err.jump)) {
        jpeg_destroy_compress(&encoder->cinfo);
        free(encoder);
        return NULL;
    }
    jpeg_create_compress(&encoder->cinfo);
    return encoder;
}

void bkj_encoder_destroy(bkj_encoder *encoder) {
    if (encoder == NULL) return;
    jpeg_destroy_compress(&encoder->cinfo);
    free(encoder->buffer);
    free(encoder);
}

/*
 * An upper bound for the encoded size (the one libjpeg-turbo's tjBufSize uses: 2 bytes a pixel for
 * gray, 6 for unsubsampled colour, MCU-padded, plus headers). With a buffer this big jpeg_mem_dest
 * never has to grow it, so an error half-way cannot leak a buffer libjpeg allocated itself.
 */
static unsigned long encoded_size_bound(uint32_t width, uint32_t height, int components) {
    unsigned long padded_w = ((unsigned long)width + 15) & ~15UL;
    unsigned long padded_h = ((unsigned long)height + 15) & ~15UL;
    return padded_w * padded_h * (components == 1 ? 2UL : 6UL) + 2048UL;
}

bkj_status bkj_encode(bkj_encoder *encoder, const uint8_t *pixels, uint32_t width, uint32_t height,
                      size_t stride, int components, int quality, int progressive,
                      const uint8_t **out, size_t *out_size, bkj_report *report) {
    if (encoder == NULL || out == NULL || out_size == NULL || report == NULL) return BKJ_INVALID_ARGUMENT;
    begin_call(&encoder->err, report, 0);
    *out = NULL;
    *out_size = 0;
    if (pixels == NULL || width == 0 || height == 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION ||
        (components != 1 && components != 3) || stride < (size_t)width * (size_t)components ||
        quality < 1 || quality > 100) {
        fail_with(report, BKJ_PROBLEM_NONE, "Invalid image or quality for encoding");
        return BKJ_INVALID_ARGUMENT;
    }
    unsigned long bound = encoded_size_bound(width, height, components);
    if (encoder->capacity < bound) {
        free(encoder->buffer);
        encoder->buffer = malloc(bound);
        encoder->capacity = encoder->buffer ? bound : 0;
        if (encoder->buffer == NULL) {
            fail_with(report, BKJ_PROBLEM_NONE, "Out of memory for the encoded image");
            return BKJ_OUT_OF_MEMORY;
        }
    }
    struct jpeg_compress_struct *cinfo = &encoder->cinfo;
    unsigned char *destination = encoder->buffer;
    unsigned long destination_size = encoder->capacity;
    if (setjmp(encoder->err.jump)) {
        jpeg_abort_compress(cinfo);
        return encoder->err.status;
    }
    jpeg_mem_dest(cinfo, &destination, &destination_size);
    cinfo->image_width = width;
    cinfo->image_height = height;
    cinfo->input_components = components;
    cinfo->in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(cinfo);
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * stride);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    if (destination != encoder->buffer) {
        /* libjpeg outgrew the bound and handed back its own malloc'd buffer: adopt it. */
        free(encoder->buffer);
        encoder->buffer = destination;
        encoder->capacity = destination_size;
    }
    *out = encoder->buffer;
    *out_size = destination_size;
    return BKJ_OK;
}
