/*
 * The Linux HAL of the meter process: a file-backed NOR flash, a small HTTP/1.0 GET client over TCP sockets, the
 * system clock and a log to stderr. (The MQTT HAL on libmosquitto lives in main.c with the event loop.)
 */
#ifndef WW_LINUX_HAL_H
#define WW_LINUX_HAL_H

#include "ww_hal.h"

#include <stdbool.h>
#include <stdint.h>

/** A file of sector_size * sector_count bytes behaving like NOR flash (created erased, 0xFF). */
typedef struct {
    int fd;
    ww_flash hal;
} ww_file_flash;

/** Opens or creates the file; a file of another size is refused. 0, or -1 with errno set. */
int ww_file_flash_open(ww_file_flash *f, const char *path, uint32_t sector_size, uint32_t sector_count);
void ww_file_flash_close(ww_file_flash *f);

/** HTTP GET against base URL "http://host[:port]"; timeout per request. */
typedef struct {
    char host[128];
    char port[8];
    int timeout_ms;
    ww_http hal;
} ww_http_client;

/** Parses the base URL (http only, no path). 0, or -1 when it is not of the form http://host[:port]. */
int ww_http_client_init(ww_http_client *c, const char *base_url, int timeout_ms);

/** System clock; synced is the value given (the host's clock is assumed NTP-disciplined unless told otherwise). */
typedef struct {
    bool synced;
    ww_clock hal;
} ww_system_clock;

void ww_system_clock_init(ww_system_clock *c, bool synced);

/** Monotonic milliseconds. */
uint64_t ww_monotonic_ms(void);

/** Log lines to stderr: "<ISO time> <level> <text>", lines below min_level dropped. */
typedef struct {
    ww_log_level min_level;
    ww_log hal;
} ww_stderr_log;

void ww_stderr_log_init(ww_stderr_log *l, ww_log_level min_level);

#endif
