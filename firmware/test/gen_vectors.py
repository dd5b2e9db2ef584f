#!/usr/bin/env python3
"""Turns reading-format/vectors/{readings,acks}.jsonl into a C header the tests include (host and rv32)."""
import json
import sys

readings_path, acks_path, out_path = sys.argv[1:4]


def c_str(text):
    return json.dumps(text)  # a JSON string literal is a valid C string literal for this ASCII content


def num(value):
    return int(value) if isinstance(value, str) else value


lines = ["/* Generated from reading-format/vectors by gen_vectors.py: do not edit. */",
         "#include <stdint.h>", "typedef struct { const char *name; int valid; const char *error; const char *message;"
         " const char *digest; const char *public_key; const char *signature; const char *low_s_signature;"
         " const char *device_id; const char *meter_id; uint32_t boot; uint32_t seq; int64_t timestamp_ms;"
         " int64_t power_mw; uint64_t energy_mwh; uint16_t flags; } reading_vector;",
         "static const reading_vector READING_VECTORS[] = {"]
for raw in open(readings_path):
    v = json.loads(raw)
    f = v["fields"] or {"device_id": "", "meter_id": "", "boot": 0, "seq": 0, "timestamp_ms": 0, "power_mw": 0,
                        "energy_mwh": 0, "flags": 0}
    lines.append("  {%s, %d, %s, %s, %s, %s, %s, %s, %s, %s, %uu, %uu, INT64_C(%d), INT64_C(%d), UINT64_C(%d), %du}," % (
        c_str(v["name"]), v["expected"] == "valid", c_str(v["error"] or ""), c_str(v["message"]),
        c_str(v["digest"] or ""), c_str(v["public_key"]), c_str(v["signature"]), c_str(v["low_s_signature"] or ""),
        c_str(f["device_id"]), c_str(f["meter_id"]), num(f["boot"]), num(f["seq"]), num(f["timestamp_ms"]),
        num(f["power_mw"]), num(f["energy_mwh"]), num(f["flags"])))
lines.append("};")
lines.append("typedef struct { const char *name; const char *json; int valid; const char *error; uint32_t boot;"
             " int stored; int refused; uint32_t ranges[16][2]; int named_count; uint32_t named[8];"
             " int not_named_count; uint32_t not_named[8]; } ack_vector;")
lines.append("static const ack_vector ACK_VECTORS[] = {")
for raw in open(acks_path):
    v = json.loads(raw)
    if v["expected"] == "valid":
        ranges = v["stored"] + v["refused"]
        lines.append("  {%s, %s, 1, \"\", %uu, %d, %d, {%s}, %d, {%s}, %d, {%s}}," % (
            c_str(v["name"]), c_str(v["json"]), v["boot"], len(v["stored"]), len(v["refused"]),
            ", ".join("{%uu, %uu}" % (a, b) for a, b in ranges) or "{0, 0}",
            len(v["named"]), ", ".join("%uu" % s for s in v["named"]),
            len(v["not_named"]), ", ".join("%uu" % s for s in v["not_named"])))
    else:
        lines.append("  {%s, %s, 0, %s, 0, 0, 0, {{0, 0}}, 0, {0}, 0, {0}}," % (
            c_str(v["name"]), c_str(v["json"]), c_str(v["error"])))
lines.append("};")
open(out_path, "w").write("\n".join(lines) + "\n")
