/* The ATECC608A through cryptoauthlib: public key of the key slot, Sign of a 32-byte digest, monotonic counter. */
#include "ww_port.h"

#include "cryptoauthlib.h"
#include "esp_log.h"
#include "mbedtls/base64.h"
#include "tng/tng_atcacert_client.h"

#include <stdio.h>

static const char *TAG = "ww";

typedef struct {
    uint16_t key_slot;
    uint16_t counter_id;
} se_ctx;

static se_ctx ctx;

static int public_key(void *c, uint8_t out[64])
{
    ATCA_STATUS st = atcab_get_pubkey(((se_ctx *)c)->key_slot, out);
    if (st != ATCA_SUCCESS) {
        ESP_LOGE(TAG, "atcab_get_pubkey failed: 0x%02x", st);
        return -1;
    }
    return 0;
}

static int sign_digest(void *c, const uint8_t digest[32], uint8_t sig[64])
{
    ATCA_STATUS st = atcab_sign(((se_ctx *)c)->key_slot, digest, sig);
    if (st != ATCA_SUCCESS) {
        ESP_LOGE(TAG, "atcab_sign failed: 0x%02x", st);
        return -1;
    }
    return 0;
}

static int increment_counter(void *c, uint32_t *value)
{
    ATCA_STATUS st = atcab_counter_increment(((se_ctx *)c)->counter_id, value);
    if (st != ATCA_SUCCESS) {
        ESP_LOGE(TAG, "atcab_counter_increment failed: 0x%02x", st);
        return -1;
    }
    return 0;
}

int ww_port_se_init(ww_se *se, uint8_t i2c_address, uint16_t key_slot, uint16_t counter_id)
{
    static ATCAIfaceCfg cfg;
    cfg = cfg_ateccx08a_i2c_default;
    cfg.atcai2c.address = i2c_address;
    ATCA_STATUS st = atcab_init(&cfg);
    if (st != ATCA_SUCCESS) {
        ESP_LOGE(TAG, "ATECC608A at 0x%02x not found: atcab_init 0x%02x", i2c_address, st);
        return -1;
    }
    bool config_locked = false;
    bool data_locked = false;
    if (atcab_is_locked(LOCK_ZONE_CONFIG, &config_locked) != ATCA_SUCCESS ||
        atcab_is_locked(LOCK_ZONE_DATA, &data_locked) != ATCA_SUCCESS) {
        ESP_LOGE(TAG, "ATECC608A: reading the lock state failed");
        return -2;
    }
    if (!config_locked || !data_locked) {
        /* An unlocked part has no fixed key: readings signed with it would prove nothing. */
        ESP_LOGE(TAG, "ATECC608A: config zone %s, data zone %s: provision and lock the part first",
                 config_locked ? "locked" : "UNLOCKED", data_locked ? "locked" : "UNLOCKED");
        return -3;
    }
    ctx.key_slot = key_slot;
    ctx.counter_id = counter_id;
    se->ctx = &ctx;
    se->public_key = public_key;
    se->sign_digest = sign_digest;
    se->increment_counter = increment_counter;
    return 0;
}

/* Certificates are a few hundred bytes of DER; these buffers are static so that no task stack has to hold them. */
static uint8_t signer_der[1024];
static uint8_t device_der[1024];
static unsigned char pem_body[1400];

static int log_pem(const char *what, const uint8_t *der, size_t der_len)
{
    size_t written = 0;
    if (mbedtls_base64_encode(pem_body, sizeof pem_body, &written, der, der_len) != 0) {
        ESP_LOGE(TAG, "%s certificate: %u bytes of DER do not fit the PEM buffer", what, (unsigned)der_len);
        return -1;
    }
    /* The PEM goes to the console with printf, without the log prefix (and colours) of ESP_LOGI, so that the
       lines between BEGIN and END can be pasted as they are. */
    ESP_LOGI(TAG, "%s certificate (PEM follows):", what);
    printf("-----BEGIN CERTIFICATE-----\n");
    for (size_t at = 0; at < written; at += 64) {
        size_t n = written - at < 64 ? written - at : 64;
        printf("%.*s\n", (int)n, (const char *)pem_body + at);
    }
    printf("-----END CERTIFICATE-----\n");
    fflush(stdout);
    return 0;
}

int ww_port_se_log_certificates(void)
{
    size_t signer_len = sizeof signer_der;
    int rc = tng_atcacert_read_signer_cert(signer_der, &signer_len);
    if (rc != ATCACERT_E_SUCCESS) {
        ESP_LOGE(TAG, "Trust&GO signer certificate not readable: %d (is this a Trust&GO part?)", rc);
        return -1;
    }
    size_t device_len = sizeof device_der;
    rc = tng_atcacert_read_device_cert(device_der, &device_len, signer_der);
    if (rc != ATCACERT_E_SUCCESS) {
        ESP_LOGE(TAG, "Trust&GO device certificate not readable: %d", rc);
        return -2;
    }
    ESP_LOGI(TAG, "attestation: add both certificates, device first, to the registration body as \"certificates\"");
    if (log_pem("device", device_der, device_len) != 0 || log_pem("signer", signer_der, signer_len) != 0) {
        return -3;
    }
    return 0;
}
