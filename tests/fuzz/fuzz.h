/*
 * Shared by the fuzz harnesses (libFuzzer): a private scratch directory per
 * process, on tmpfs when there is one, and writing the input into it.
 */
#ifndef MIGREVIEW_FUZZ_H
#define MIGREVIEW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Every harness: one input, from libFuzzer or from the replay driver (replay.c). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's scratch directory, made on first use. */
const char *fuzz_dir(void);
/* Writes data to NAME inside the scratch directory; its full path (static buffer). */
const char *fuzz_write(const char *name, const uint8_t *data, size_t size);

#endif
