/* HTTP GET of the Shelly's status with esp_http_client (5 s timeout, body into the core's buffer). */
#include "ww_port.h"

#include "esp_http_client.h"
#include "esp_log.h"

#include <stdio.h>

static const char *TAG = "ww";
static const char *shelly;

static int get(void *ctx, const char *path, char *body, size_t cap, size_t *len)
{
    char url[160];
    (void)ctx;
    if (snprintf(url, sizeof url, "http://%s%s", shelly, path) >= (int)sizeof url) {
        return -1;
    }
    esp_http_client_config_t cfg = {.url = url, .timeout_ms = 5000, .disable_auto_redirect = true};
    esp_http_client_handle_t client = esp_http_client_init(&cfg);
    if (!client) {
        return -2;
    }
    int rc = -3;
    if (esp_http_client_open(client, 0) == ESP_OK && esp_http_client_fetch_headers(client) >= 0) {
        int status = esp_http_client_get_status_code(client);
        int got = 0;
        int n;
        while (got < (int)cap - 1 && (n = esp_http_client_read(client, body + got, (int)cap - 1 - got)) > 0) {
            got += n;
        }
        if (status != 200) {
            ESP_LOGW(TAG, "meter: %s answered HTTP %d", url, status);
            rc = -4;
        } else if (got >= (int)cap - 1) {
            ESP_LOGW(TAG, "meter: %s answered more than %u bytes", url, (unsigned)cap - 1);
            rc = -5;
        } else {
            body[got] = '\0';
            *len = (size_t)got;
            rc = 0;
        }
    }
    esp_http_client_cleanup(client);
    return rc;
}

void ww_port_http_init(ww_http *http, const char *shelly_host)
{
    shelly = shelly_host;
    http->ctx = NULL;
    http->get = get;
}
