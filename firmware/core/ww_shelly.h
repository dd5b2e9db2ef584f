/*
 * Shelly EM status parsing: Gen1 `GET /status` (emeters[i].power W, emeters[i].total Wh, mac) and Gen2
 * `GET /rpc/Shelly.GetStatus` ("em1:N".act_power W, "em1data:N".total_act_energy Wh, sys.mac), decimal text straight
 * to integer mW and mWh (no floating point), and detection of a restarted energy register.
 */
#ifndef WW_SHELLY_H
#define WW_SHELLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { WW_SHELLY_GEN1 = 1, WW_SHELLY_GEN2 = 2 } ww_shelly_gen;

typedef struct {
    int64_t power_mw;
    uint64_t energy_mwh;
    uint8_t mac[6];
    bool has_mac; /* false when the payload carries no parseable MAC */
} ww_shelly_sample;

/** The HTTP path of the status call of a generation. */
const char *ww_shelly_path(ww_shelly_gen gen);

/**
 * Parses a status payload for channel (0-based).
 * @return NULL on success, else a short reason ("json", "channel", "power", "energy")
 */
const char *ww_shelly_parse(ww_shelly_gen gen, unsigned channel, const char *payload, size_t len,
                            ww_shelly_sample *out);

/** True when the register went backwards: the meter's counter restarted since the previous reading. */
bool ww_shelly_register_restarted(bool have_previous, uint64_t previous_mwh, uint64_t current_mwh);

#endif
