#include "ww_shelly.h"

#include "ww_json.h"

#include <string.h>

const char *ww_shelly_path(ww_shelly_gen gen) { return gen == WW_SHELLY_GEN1 ? "/status" : "/rpc/Shelly.GetStatus"; }

static bool parse_mac(const char *v, const char *end, uint8_t mac[6])
{
    char text[18];
    if (!ww_json_plain_string(v, end, text, sizeof text)) {
        return false;
    }
    size_t n = 0;
    for (const char *c = text; *c && n < 12; c++) {
        if (*c == ':') {
            continue;
        }
        int d = (*c >= '0' && *c <= '9')   ? *c - '0'
                : (*c >= 'a' && *c <= 'f') ? *c - 'a' + 10
                : (*c >= 'A' && *c <= 'F') ? *c - 'A' + 10
                                           : -1;
        if (d < 0) {
            return false;
        }
        mac[n / 2] = (uint8_t)((n % 2) ? (mac[n / 2] | d) : (d << 4));
        n++;
    }
    return n == 12;
}

/* The digits of channel as a member name suffix, e.g. "em1:" + "1". */
static void member_name(char *out, const char *prefix, unsigned channel)
{
    size_t n = strlen(prefix);
    memcpy(out, prefix, n);
    char digits[10];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + channel % 10);
        channel /= 10;
    } while (channel);
    while (k) {
        out[n++] = digits[--k];
    }
    out[n] = '\0';
}

const char *ww_shelly_parse(ww_shelly_gen gen, unsigned channel, const char *payload, size_t len, ww_shelly_sample *out)
{
    const char *end = payload + len;
    const char *after = ww_json_skip_value(payload, end);
    if (!after || ww_json_ws(after, end) != end || *ww_json_ws(payload, end) != '{') {
        return "json";
    }
    const char *power_obj;
    const char *energy_obj;
    const char *mac_obj = payload;
    const char *power_key;
    const char *energy_key;
    if (gen == WW_SHELLY_GEN1) {
        const char *emeters;
        if (ww_json_member_trusted(payload, end, "emeters", &emeters) != WW_JSON_FOUND || *emeters != '[' ||
            ww_json_element_trusted(emeters, end, channel, &power_obj) != WW_JSON_FOUND) {
            return "channel";
        }
        energy_obj = power_obj;
        power_key = "power";
        energy_key = "total";
    } else {
        char name[24];
        member_name(name, "em1:", channel);
        if (ww_json_member_trusted(payload, end, name, &power_obj) != WW_JSON_FOUND) {
            return "channel";
        }
        member_name(name, "em1data:", channel);
        if (ww_json_member_trusted(payload, end, name, &energy_obj) != WW_JSON_FOUND) {
            return "channel";
        }
        const char *sys;
        mac_obj = ww_json_member_trusted(payload, end, "sys", &sys) == WW_JSON_FOUND ? sys : NULL;
        power_key = "act_power";
        energy_key = "total_act_energy";
    }
    const char *v;
    if (*power_obj != '{' || ww_json_member_trusted(power_obj, end, power_key, &v) != WW_JSON_FOUND ||
        !ww_json_milli(v, end, &out->power_mw)) {
        return "power";
    }
    int64_t energy;
    if (*energy_obj != '{' || ww_json_member_trusted(energy_obj, end, energy_key, &v) != WW_JSON_FOUND ||
        !ww_json_milli(v, end, &energy) || energy < 0) {
        return "energy";
    }
    out->energy_mwh = (uint64_t)energy;
    out->has_mac = mac_obj && *ww_json_ws(mac_obj, end) == '{' &&
                   ww_json_member_trusted(mac_obj, end, "mac", &v) == WW_JSON_FOUND && parse_mac(v, end, out->mac);
    return NULL;
}

bool ww_shelly_register_restarted(bool have_previous, uint64_t previous_mwh, uint64_t current_mwh)
{
    return have_previous && current_mwh < previous_mwh;
}
