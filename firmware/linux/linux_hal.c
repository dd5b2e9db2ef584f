#define _POSIX_C_SOURCE 200809L
#include "linux_hal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static int full_pread(int fd, void *buf, size_t len, off_t at)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, at);
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
        at += n;
    }
    return 0;
}

static int full_pwrite(int fd, const void *buf, size_t len, off_t at)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, at);
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
        at += n;
    }
    return 0;
}

static int flash_read(void *ctx, uint32_t addr, void *buf, size_t len)
{
    ww_file_flash *f = ctx;
    return full_pread(f->fd, buf, len, (off_t)addr);
}

static int flash_program(void *ctx, uint32_t addr, const void *buf, size_t len)
{
    ww_file_flash *f = ctx;
    uint8_t cur[256];
    const uint8_t *src = buf;
    while (len > 0) {
        size_t n = len < sizeof cur ? len : sizeof cur;
        if (full_pread(f->fd, cur, n, (off_t)addr) != 0) {
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            cur[i] &= src[i]; /* NOR: programming only clears bits */
        }
        if (full_pwrite(f->fd, cur, n, (off_t)addr) != 0) {
            return -1;
        }
        addr += (uint32_t)n;
        src += n;
        len -= n;
    }
    return fdatasync(f->fd) == 0 ? 0 : -1;
}

static int flash_erase(void *ctx, uint32_t sector)
{
    ww_file_flash *f = ctx;
    uint8_t ff[512];
    memset(ff, 0xFF, sizeof ff);
    if (sector >= f->hal.sector_count) {
        return -1;
    }
    for (uint32_t off = 0; off < f->hal.sector_size; off += (uint32_t)sizeof ff) {
        size_t n = f->hal.sector_size - off < sizeof ff ? f->hal.sector_size - off : sizeof ff;
        if (full_pwrite(f->fd, ff, n, (off_t)sector * f->hal.sector_size + off) != 0) {
            return -1;
        }
    }
    return fdatasync(f->fd) == 0 ? 0 : -1;
}

int ww_file_flash_open(ww_file_flash *f, const char *path, uint32_t sector_size, uint32_t sector_count)
{
    memset(f, 0, sizeof *f);
    f->fd = open(path, O_RDWR | O_CREAT, 0600);
    if (f->fd < 0) {
        return -1;
    }
    struct stat st;
    off_t size = (off_t)sector_size * sector_count;
    f->hal.ctx = f;
    f->hal.sector_size = sector_size;
    f->hal.sector_count = sector_count;
    f->hal.read = flash_read;
    f->hal.program = flash_program;
    f->hal.erase_sector = flash_erase;
    if (fstat(f->fd, &st) != 0) {
        close(f->fd);
        return -1;
    }
    if (st.st_size == 0) {
        for (uint32_t s = 0; s < sector_count; s++) {
            if (flash_erase(f, s) != 0) {
                close(f->fd);
                return -1;
            }
        }
    } else if (st.st_size != size) {
        close(f->fd);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

void ww_file_flash_close(ww_file_flash *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
}

uint64_t ww_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int wait_fd(int fd, short events, uint64_t deadline)
{
    uint64_t now = ww_monotonic_ms();
    if (now >= deadline) {
        return -1;
    }
    struct pollfd p = {.fd = fd, .events = events};
    return poll(&p, 1, (int)(deadline - now)) == 1 ? 0 : -1;
}

static int http_get(void *ctx, const char *path, char *body, size_t cap, size_t *len)
{
    ww_http_client *c = ctx;
    uint64_t deadline = ww_monotonic_ms() + (uint64_t)c->timeout_ms;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    if (getaddrinfo(c->host, c->port, &hints, &res) != 0 || !res) {
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK, res->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(res);
        return -1;
    }
    int rc = connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 && !(errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0)) {
        close(fd);
        return -2;
    }
    int soerr = 0;
    socklen_t soerr_len = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) != 0 || soerr != 0) {
        close(fd);
        return -2;
    }
    char request[512];
    int rlen =
        snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", path, c->host);
    if (rlen < 0 || (size_t)rlen >= sizeof request) {
        close(fd);
        return -3;
    }
    for (int sent = 0; sent < rlen;) {
        if (wait_fd(fd, POLLOUT, deadline) != 0) {
            close(fd);
            return -4;
        }
        ssize_t n = send(fd, request + sent, (size_t)(rlen - sent), MSG_NOSIGNAL);
        if (n <= 0) {
            close(fd);
            return -4;
        }
        sent += (int)n;
    }
    /* The whole response (headers + body) goes into body, then the body is moved to the front. */
    size_t got = 0;
    for (;;) {
        if (wait_fd(fd, POLLIN, deadline) != 0) {
            close(fd);
            return -5; /* timeout */
        }
        if (got + 1 >= cap) {
            close(fd);
            return -6; /* response larger than the buffer */
        }
        ssize_t n = recv(fd, body + got, cap - 1 - got, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n < 0) {
            close(fd);
            return -5;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    body[got] = '\0';
    int major;
    int minor;
    int status;
    if (sscanf(body, "HTTP/%d.%d %d", &major, &minor, &status) != 3 || status != 200) {
        return -7;
    }
    char *start = strstr(body, "\r\n\r\n");
    if (!start) {
        return -8;
    }
    start += 4;
    *len = got - (size_t)(start - body);
    memmove(body, start, *len + 1);
    return 0;
}

int ww_http_client_init(ww_http_client *c, const char *base_url, int timeout_ms)
{
    memset(c, 0, sizeof *c);
    c->timeout_ms = timeout_ms;
    c->hal.ctx = c;
    c->hal.get = http_get;
    if (strncmp(base_url, "http://", 7) != 0) {
        return -1;
    }
    const char *host = base_url + 7;
    const char *colon = strchr(host, ':');
    const char *slash = strchr(host, '/');
    if (slash && slash[1] != '\0') {
        return -1;
    }
    size_t host_len = colon ? (size_t)(colon - host) : slash ? (size_t)(slash - host) : strlen(host);
    if (host_len == 0 || host_len >= sizeof c->host) {
        return -1;
    }
    memcpy(c->host, host, host_len);
    if (colon) {
        size_t port_len = slash ? (size_t)(slash - colon - 1) : strlen(colon + 1);
        if (port_len == 0 || port_len >= sizeof c->port || strspn(colon + 1, "0123456789") != port_len) {
            return -1;
        }
        memcpy(c->port, colon + 1, port_len);
    } else {
        strcpy(c->port, "80");
    }
    return 0;
}

static int64_t clock_unix_ms(void *ctx, bool *synced)
{
    ww_system_clock *c = ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *synced = c->synced;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ww_system_clock_init(ww_system_clock *c, bool synced)
{
    c->synced = synced;
    c->hal.ctx = c;
    c->hal.unix_ms = clock_unix_ms;
}

static void log_line(void *ctx, ww_log_level level, const char *text)
{
    static const char *names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    ww_stderr_log *l = ctx;
    if (level > l->min_level) {
        return;
    }
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
            tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[level], text);
}

void ww_stderr_log_init(ww_stderr_log *l, ww_log_level min_level)
{
    l->min_level = min_level;
    l->hal.ctx = l;
    l->hal.line = log_line;
}
