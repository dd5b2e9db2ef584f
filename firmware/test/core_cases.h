/* The portable core tests, run by cmocka on the host and by target_runner.c under qemu-riscv32. */
#ifndef WW_CORE_CASES_H
#define WW_CORE_CASES_H

#define WW_CORE_TESTS(X)                                                                                               \
    X(test_sha256_known_answers)                                                                                       \
    X(test_valid_vectors_encode_byte_for_byte)                                                                         \
    X(test_vectors_digest_and_device_id)                                                                               \
    X(test_decode_errors_name_the_field)                                                                               \
    X(test_low_s_normalisation_matches_vectors)                                                                        \
    X(test_signature_range_checks)                                                                                     \
    X(test_envelope_birth_will_json)                                                                                   \
    X(test_ack_vectors)                                                                                                \
    X(test_ack_strictness_beyond_vectors)                                                                              \
    X(test_json_milli_exact)                                                                                           \
    X(test_shelly_inline_fixtures)                                                                                     \
    X(test_shelly_rejects_bad_payloads)                                                                                \
    X(test_outbox_append_ack_remount)                                                                                  \
    X(test_outbox_full_drops_oldest_with_counter)                                                                      \
    X(test_outbox_many_laps_with_remounts)                                                                             \
    X(test_outbox_power_cut_during_erase)                                                                              \
    X(test_outbox_power_cut_at_every_byte)                                                                             \
    X(test_outbox_power_cut_during_ack_mark)                                                                           \
    X(test_device_first_reading_and_birth)                                                                             \
    X(test_device_reconnect_resends_oldest_first)                                                                      \
    X(test_device_window_bounds_in_flight)                                                                             \
    X(test_device_forged_stale_duplicate_out_of_order_acks)                                                            \
    X(test_device_timeout_backoff_and_reset)                                                                           \
    X(test_device_reboot_boot_plus_one_seq_zero)                                                                       \
    X(test_device_register_restart_and_errors)                                                                         \
    X(test_device_flash_read_error_keeps_the_reading)                                                                  \
    X(test_device_corrupt_record_counted_as_dropped)                                                                   \
    X(test_device_publish_failing_at_t_max_does_not_spin)                                                              \
    X(test_device_clock_not_set_skips_the_reading)                                                                     \
    X(test_provisioning_registration_without_start)                                                                    \
    X(test_json_uint_below_a_small_max)

#define WW_DECLARE(name) void name(void **state);
WW_CORE_TESTS(WW_DECLARE)

#endif
