/*
 * Tests of the Linux HAL: the file-backed NOR flash (erase, bit-clearing program, persistence, the outbox on it)
 * and the HTTP GET client against a one-shot HTTP server on a free loopback port.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "linux_hal.h"
#include "ww_outbox.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void test_file_flash_is_nor_and_persists(void **state)
{
    (void)state;
    char path[] = "/tmp/ww-flash-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    ww_file_flash f;
    CHECK_INT(ww_file_flash_open(&f, path, 4096, 4), 0);
    uint8_t b[4];
    CHECK_INT(f.hal.read(f.hal.ctx, 4096 * 4 - 4, b, 4), 0);
    CHECK_INT(b[0] & b[1] & b[2] & b[3], 0xFF);
    const uint8_t first[2] = {0xF0, 0x3C};
    const uint8_t second[2] = {0x0F, 0xFF};
    CHECK_INT(f.hal.program(f.hal.ctx, 10, first, 2), 0);
    CHECK_INT(f.hal.program(f.hal.ctx, 10, second, 2), 0);
    CHECK_INT(f.hal.read(f.hal.ctx, 10, b, 2), 0);
    CHECK_INT(b[0], 0x00); /* bits only clear */
    CHECK_INT(b[1], 0x3C);
    static ww_outbox box;
    CHECK_INT(f.hal.erase_sector(f.hal.ctx, 0), 0);
    CHECK_INT(ww_outbox_mount(&box, &f.hal), 0);
    uint8_t msg[WW_MESSAGE_LEN] = {'W', 'W', 'R', 1};
    uint8_t sig[WW_SIGNATURE_LEN] = {1};
    uint32_t index;
    uint32_t dropped;
    CHECK_INT(ww_outbox_append(&box, msg, sig, &index, &dropped), 0);
    CHECK_INT(ww_outbox_append(&box, msg, sig, &index, &dropped), 0);
    CHECK_INT(ww_outbox_ack(&box, 0), 0);
    ww_file_flash_close(&f);
    /* Reopened (a restarted process): the same outbox. A file of another geometry is refused. */
    CHECK_INT(ww_file_flash_open(&f, path, 4096, 4), 0);
    CHECK_INT(ww_outbox_mount(&box, &f.hal), 0);
    CHECK_INT(box.head, 2);
    CHECK_INT(box.pending, 1);
    ww_file_flash_close(&f);
    CHECK_INT(ww_file_flash_open(&f, path, 4096, 8), -1);
    unlink(path);
}

typedef struct {
    int listener;
    const char *response;
    char request[1024];
} server;

static void *serve_once(void *arg)
{
    server *s = arg;
    int c = accept(s->listener, NULL, NULL);
    if (c < 0) {
        return NULL;
    }
    ssize_t n = recv(c, s->request, sizeof s->request - 1, 0);
    s->request[n > 0 ? n : 0] = '\0';
    send(c, s->response, strlen(s->response), MSG_NOSIGNAL);
    close(c);
    return NULL;
}

static int start_server(server *s, const char *response, pthread_t *thread)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    socklen_t len = sizeof addr;
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    s->response = response;
    CHECK(bind(s->listener, (struct sockaddr *)&addr, sizeof addr) == 0);
    CHECK(listen(s->listener, 1) == 0);
    CHECK(getsockname(s->listener, (struct sockaddr *)&addr, &len) == 0);
    CHECK(pthread_create(thread, NULL, serve_once, s) == 0);
    return ntohs(addr.sin_port);
}

static int get_from(const char *response, char *body, size_t cap, size_t *len, server *s)
{
    pthread_t thread;
    int port = start_server(s, response, &thread);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    ww_http_client c;
    CHECK_INT(ww_http_client_init(&c, url, 2000), 0);
    int rc = c.hal.get(c.hal.ctx, "/status", body, cap, len);
    pthread_join(thread, NULL);
    close(s->listener);
    return rc;
}

static void test_http_get_body_and_errors(void **state)
{
    (void)state;
    static server s;
    char body[256];
    size_t len = 0;
    CHECK_INT(get_from("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"emeters\":[]}", body, sizeof body,
                       &len, &s),
              0);
    CHECK_STR(body, "{\"emeters\":[]}");
    CHECK_INT(len, 14);
    CHECK(strncmp(s.request, "GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n", 39) == 0);
    CHECK(get_from("HTTP/1.1 401 Unauthorized\r\n\r\n", body, sizeof body, &len, &s) < 0);
    CHECK(get_from("HTTP/1.1 200 OK\r\n\r\n0123456789", body, 16, &len, &s) < 0); /* larger than the buffer */
    CHECK(get_from("garbage", body, sizeof body, &len, &s) < 0);
    ww_http_client c;
    CHECK_INT(ww_http_client_init(&c, "http://shelly.local", 1000), 0);
    CHECK_STR(c.port, "80");
    CHECK(ww_http_client_init(&c, "https://x:1", 1000) < 0);
    CHECK(ww_http_client_init(&c, "http://x:1/status", 1000) < 0);
    CHECK(ww_http_client_init(&c, "http://x:port", 1000) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_flash_is_nor_and_persists),
        cmocka_unit_test(test_http_get_body_and_errors),
    };
    return cmocka_run_group_tests_name("linux-hal", tests, NULL, NULL);
}
