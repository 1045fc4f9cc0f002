#ifndef BRIGHTKITCHEN_JPEG_SHIM_H
#define BRIGHTKITCHEN_JPEG_SHIM_H
/*
 * A small C face over libjpeg for Swift. libjpeg reports fatal errors by calling an error_exit
 * hook that must not return; the only safe way out is longjmp, and a longjmp across Swift frames
 * is undefined behaviour. Every setjmp/longjmp therefore stays inside jpeg_shim.c: each function
 * here returns a status code and fills a report with libjpeg's own message text.
 *
 * Decoders and encoders are long-lived handles so that libjpeg's permanent state and the
 * encoder's output buffer are allocated once per camera, not once per frame.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    BKJ_OK = 0,
    /* libjpeg raised a fatal error (not a JPEG, unsupported, damaged header...). */
    BKJ_ERROR = 1,
    /* Strict mode: libjpeg warned about corrupt or truncated data and decoding stopped. */
    BKJ_CORRUPT_DATA = 2,
    /* The caller's buffer is too small; info.out_width/out_height/out_components say what is needed. */
    BKJ_BUFFER_TOO_SMALL = 3,
    /* A side of the image is above the caller's max_dimension; nothing was decoded. */
    BKJ_TOO_LARGE = 4,
    BKJ_INVALID_ARGUMENT = 5,
    BKJ_OUT_OF_MEMORY = 6
} bkj_status;

#define BKJ_MESSAGE_LENGTH 200

/* What a libjpeg message says about the input, so callers need not know libjpeg's message codes. */
typedef enum {
    BKJ_PROBLEM_NONE = 0,
    BKJ_PROBLEM_NOT_JPEG = 1,    /* no start-of-image marker */
    BKJ_PROBLEM_TRUNCATED = 2,   /* the data ends early */
    BKJ_PROBLEM_CORRUPT = 3,     /* damaged headers or entropy-coded data */
    BKJ_PROBLEM_UNSUPPORTED = 4, /* a valid JPEG this libjpeg build cannot decode */
    BKJ_PROBLEM_TOO_MUCH_MEMORY = 5 /* decoding would need more than max_memory (progressive or multi-scan) */
} bkj_problem;

typedef struct {
    /* libjpeg's message code for the error or the first warning, -1 if there was none. */
    int code;
    bkj_problem problem;
    /* Corrupt-data warnings seen during the call (non-strict decodes complete despite them). */
    long warnings;
    /* libjpeg's text for the error or the first warning (format_message), NUL-terminated. */
    char message[BKJ_MESSAGE_LENGTH];
} bkj_report;

typedef struct {
    uint32_t width;          /* as stored in the frame header */
    uint32_t height;
    int components;          /* colour components stored */
    int progressive;         /* 1 for progressive JPEGs */
    uint32_t out_width;      /* after DCT scaling; set by bkj_decode (and by a too-small buffer) */
    uint32_t out_height;
    int out_components;      /* 1 for grayscale output, 3 for RGB */
} bkj_image_info;

typedef struct {
    int scale_denom;         /* 1, 2, 4 or 8: libjpeg scales in the IDCT, far cheaper than resampling */
    int grayscale;           /* 1: JCS_GRAYSCALE (YCbCr chroma is never decoded); 0: RGB */
    int strict;              /* 1: the first corrupt-data warning aborts with BKJ_CORRUPT_DATA */
    int fast;                /* 1: integer fast IDCT and no fancy upsampling (analysis, not evidence) */
    uint32_t max_dimension;  /* a header side above this is refused before decoding; 0: libjpeg's own limit */
    /* libjpeg's own working memory (max_memory_to_use), 0: unlimited. Progressive JPEGs keep every
     * coefficient of the image, about 2 bytes a sample: a 2 MiB file can otherwise demand gigabytes. */
    size_t max_memory;
} bkj_decode_options;

typedef struct bkj_decoder bkj_decoder;
typedef struct bkj_encoder bkj_encoder;

/* NULL when memory is exhausted. */
bkj_decoder *bkj_decoder_create(void);
void bkj_decoder_destroy(bkj_decoder *decoder);

/* Reads the headers only: dimensions, components, progressive. */
bkj_status bkj_read_header(bkj_decoder *decoder, const uint8_t *data, size_t size,
                           bkj_image_info *info, bkj_report *report);

/*
 * Decodes into `out`, rows packed (out_width * out_components bytes each). When `capacity` is too
 * small nothing is written, BKJ_BUFFER_TOO_SMALL is returned and `info` carries the output size.
 */
bkj_status bkj_decode(bkj_decoder *decoder, const uint8_t *data, size_t size,
                      const bkj_decode_options *options, uint8_t *out, size_t capacity,
                      bkj_image_info *info, bkj_report *report);

bkj_encoder *bkj_encoder_create(void);
void bkj_encoder_destroy(bkj_encoder *encoder);

/*
 * Encodes packed 8-bit pixels (components 1 = gray, 3 = RGB; `stride` bytes per row) at
 * `quality` 1...100, progressive (1) or baseline (0). On success *out points into the encoder's own buffer, valid until the next
 * call on the same encoder; copy it out.
 */
bkj_status bkj_encode(bkj_encoder *encoder, const uint8_t *pixels, uint32_t width, uint32_t height,
                      size_t stride, int components, int quality, int progressive,
                      const uint8_t **out, size_t *out_size, bkj_report *report);

#ifdef __cplusplus
}
#endif
#endif
