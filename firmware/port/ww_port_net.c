/* Wi-Fi station, SNTP wall clock, monotonic time and the serial log of the core. */
#include "ww_port.h"

#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_netif_sntp.h"
#include "esp_sntp.h"
#include "esp_timer.h"
#include "esp_wifi.h"

#include <string.h>
#include <sys/time.h>

static const char *TAG = "ww";
static volatile bool clock_synced;

static void on_wifi_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    if (base == WIFI_EVENT && (id == WIFI_EVENT_STA_START || id == WIFI_EVENT_STA_DISCONNECTED)) {
        if (id == WIFI_EVENT_STA_DISCONNECTED) {
            ESP_LOGW(TAG, "wifi: disconnected (reason %d), reconnecting",
                     ((wifi_event_sta_disconnected_t *)data)->reason);
        }
        esp_wifi_connect();
    } else if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
        ESP_LOGI(TAG, "wifi: got ip " IPSTR, IP2STR(&((ip_event_got_ip_t *)data)->ip_info.ip));
    }
}

int ww_port_wifi_start(const char *ssid, const char *password)
{
    wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
    wifi_config_t cfg = {0};
    if (strlen(ssid) >= sizeof cfg.sta.ssid || strlen(password) >= sizeof cfg.sta.password) {
        ESP_LOGE(TAG, "wifi: SSID or password too long");
        return -1;
    }
    strcpy((char *)cfg.sta.ssid, ssid);
    strcpy((char *)cfg.sta.password, password);
    if (esp_netif_init() != ESP_OK || esp_event_loop_create_default() != ESP_OK ||
        !esp_netif_create_default_wifi_sta() || esp_wifi_init(&init) != ESP_OK ||
        esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi_event, NULL) != ESP_OK ||
        esp_event_handler_register(IP_EVENT, IP_EVENT_STA_GOT_IP, on_wifi_event, NULL) != ESP_OK ||
        esp_wifi_set_mode(WIFI_MODE_STA) != ESP_OK || esp_wifi_set_config(WIFI_IF_STA, &cfg) != ESP_OK ||
        esp_wifi_start() != ESP_OK) {
        ESP_LOGE(TAG, "wifi: start failed");
        return -2;
    }
    return 0;
}

static void on_time_sync(struct timeval *tv)
{
    (void)tv;
    if (!clock_synced) {
        ESP_LOGI(TAG, "sntp: clock synchronised");
    }
    clock_synced = true;
}

static int64_t unix_ms(void *ctx, bool *synced)
{
    struct timeval tv;
    (void)ctx;
    gettimeofday(&tv, NULL);
    *synced = clock_synced;
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void ww_port_sntp_start(const char *server, ww_clock *clock)
{
    esp_sntp_config_t cfg = ESP_NETIF_SNTP_DEFAULT_CONFIG(server);
    cfg.sync_cb = on_time_sync;
    if (esp_netif_sntp_init(&cfg) != ESP_OK) {
        ESP_LOGE(TAG, "sntp: init failed; readings go out without the clock-synced flag");
    }
    clock->ctx = NULL;
    clock->unix_ms = unix_ms;
}

uint64_t ww_port_monotonic_ms(void) { return (uint64_t)(esp_timer_get_time() / 1000); }

static void log_line(void *ctx, ww_log_level level, const char *text)
{
    (void)ctx;
    switch (level) {
    case WW_LOG_ERROR:
        ESP_LOGE(TAG, "%s", text);
        break;
    case WW_LOG_WARN:
        ESP_LOGW(TAG, "%s", text);
        break;
    case WW_LOG_INFO:
        ESP_LOGI(TAG, "%s", text);
        break;
    default:
        ESP_LOGD(TAG, "%s", text);
        break;
    }
}

void ww_port_log_init(ww_log *log)
{
    log->ctx = NULL;
    log->line = log_line;
}
