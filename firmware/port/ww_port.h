/*
 * The ESP-IDF port of the core's HAL (core/ww_hal.h). Every function logs its own failures (tag "ww") and returns
 * 0 or a negative value; app_main retries or restarts.
 */
#ifndef WW_PORT_H
#define WW_PORT_H

#include "ww_device.h"
#include "ww_hal.h"

#include <stdbool.h>
#include <stdint.h>

/** ATECC608A over I2C (cryptoauthlib): key slot, counter id; fails when the config or data zone is unlocked. */
int ww_port_se_init(ww_se *se, uint8_t i2c_address, uint16_t key_slot, uint16_t counter_id);
/**
 * Trust&GO parts: reads the device and signer certificates (cryptoauthlib's tng_atcacert_read_signer_cert and
 * tng_atcacert_read_device_cert rebuild the DER from the compressed copies in the part) and logs both as PEM, device
 * first: the "certificates" member of the registration body. 0, or negative when a certificate cannot be read.
 */
int ww_port_se_log_certificates(void);

/** The "outbox" data partition (partitions.csv) as NOR flash in 4 KiB sectors (at most the outbox's capacity). */
int ww_port_flash_init(ww_flash *flash);

/** Wi-Fi station: connects and keeps reconnecting in the background. */
int ww_port_wifi_start(const char *ssid, const char *password);

/** SNTP client on one server; the clock reports synced once a synchronisation has completed. */
void ww_port_sntp_start(const char *server, ww_clock *clock);

/** Core log lines to the serial console (ESP_LOG, tag "ww"). */
void ww_port_log_init(ww_log *log);

/** HTTP GET client for the Shelly at host[:port]. */
void ww_port_http_init(ww_http *http, const char *shelly_host);

/**
 * esp-mqtt client: connects with the device's credentials and last will. Call from the task that runs the core:
 * connection changes and parsed acks are queued for it and it is woken by a task notification.
 */
int ww_port_mqtt_start(ww_device *dev, ww_mqtt *mqtt, const char *uri, const char *username, const char *password);

/** On the core's task: applies the queued connection changes and acks to dev. */
void ww_port_mqtt_dispatch(ww_device *dev);

/** Monotonic milliseconds since boot. */
uint64_t ww_port_monotonic_ms(void);

#endif
