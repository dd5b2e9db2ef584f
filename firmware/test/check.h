/*
 * Assertions shared by the core tests: mapped onto cmocka in the host build and onto the small harness of
 * target_runner.c in the rv32 build (cmocka is not built for rv32).
 */
#ifndef WW_CHECK_H
#define WW_CHECK_H

#include <stdint.h>
#include <string.h>

#ifdef WW_TINY_HARNESS
#include <setjmp.h>
extern jmp_buf ww_check_jump;
void ww_check_fail(const char *file, int line, const char *what);
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            ww_check_fail(__FILE__, __LINE__, #cond);                                                                  \
            longjmp(ww_check_jump, 1);                                                                                 \
        }                                                                                                              \
    } while (0)
#define CHECK_INT(a, b)    CHECK((int64_t)(a) == (int64_t)(b))
#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)
#define CHECK_STR(a, b)    CHECK(strcmp((a), (b)) == 0)
#else
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#define CHECK(cond)        assert_true(cond)
#define CHECK_INT(a, b)    assert_int_equal((int64_t)(a), (int64_t)(b))
#define CHECK_MEM(a, b, n) assert_memory_equal((a), (b), (n))
#define CHECK_STR(a, b)    assert_string_equal((a), (b))
#endif

#endif
