/*
 * Benchmark (not a test): N readings through ww_device_take_reading — Shelly Gen1 payload parsed, message built
 * and encoded, SHA-256, low-S check, outbox record written (fake NOR flash in RAM, sector erases amortised), envelope
 * published to a fake MQTT session. The secure element's signing is excluded: this SE returns a fixed signature.
 * Prints the count; instruction counts come from valgrind --tool=callgrind (docs/benchmarks.md).
 */
#include "fakes.h"
#include "ww_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fixed_sign(void *ctx, const uint8_t digest[32], uint8_t sig[64])
{
    (void)ctx;
    (void)digest;
    memset(sig, 0x11, 64);
    return 0;
}

static int drop_publish(void *ctx, const char *topic, const void *payload, size_t len, int qos, bool retain)
{
    (void)ctx;
    (void)topic;
    (void)payload;
    (void)len;
    (void)qos;
    (void)retain;
    return 0;
}

static const char GEN1[] = "{\"mac\":\"AABBCCDDEEFF\",\"emeters\":[{\"power\":1616.61,\"reactive\":-112.34,\"pf\":0.99,"
                           "\"voltage\":231.48,\"is_valid\":true,\"total\":21700.0,\"total_returned\":0.0}],"
                           "\"uptime\":86417}";

#ifndef BENCH_READINGS
#define BENCH_READINGS 1000 /* argv does not reach main under qemu with picolibc's hosted crt0 */
#endif

static fake_flash flash;
static ww_outbox box;
static ww_device dev;

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : BENCH_READINGS;
    uint8_t key[64] = {1};
    fake_se se;
    fake_mqtt mqtt;
    fake_http http;
    fake_clock clk;
    fake_se_init(&se, key, 0);
    se.hal.sign_digest = fixed_sign;
    fake_mqtt_init(&mqtt);
    mqtt.hal.publish = drop_publish;
    fake_http_init(&http, GEN1);
    fake_clock_init(&clk, 1767225600000, true);
    fake_flash_init(&flash, 4096, 8);
    ww_outbox_mount(&box, &flash.hal);
    ww_device_config cfg = {.topic_root = "wattwitness/v1/devices",
                            .firmware = "bench",
                            .shelly_gen = WW_SHELLY_GEN1,
                            .interval_ms = 10000,
                            .window = 100,
                            .ack_timeout_ms = 30000,
                            .ack_timeout_max = 600000};
    if (ww_device_start(&dev, &cfg, &se.hal, &mqtt.hal, &http.hal, &clk.hal, NULL, &box) != 0) {
        return 1;
    }
    ww_device_on_connected(&dev, 0);
    for (long i = 0; i < n; i++) {
        if (ww_device_take_reading(&dev, (uint64_t)i) != 0) {
            return 1;
        }
        /* Ack it at once so the window never fills (acks are not part of the measured path). */
        ww_outbox_ack(&box, box.head - 1);
        dev.inflight_count = 0;
    }
    printf("%ld readings\n", n);
    return 0;
}
