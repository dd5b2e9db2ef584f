package io.wattwitness.query.service;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.service.attestation.AttestationChecker;
import io.wattwitness.query.service.attestation.AttestationFailure;
import io.wattwitness.query.service.attestation.AttestationFailure.Reason;
import io.wattwitness.query.service.attestation.AttestationVerdict;
import io.wattwitness.reading.DeviceKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Installation attestation: checks the certificate chain a registration sends for its {@code public_key} with an
 * {@link AttestationChecker} over the trust anchors of {@code wattwitness.attestation.trust-anchors} (env
 * {@code ATTESTATION_TRUST_ANCHORS}: PEM files of manufacturer roots). No anchors configured = attestation disabled.
 * The anchor files are read at start-up ({@link Startup}): an unreadable file, or one holding anything but
 * certificates, stops the service instead of silently disabling attestation.
 *
 * <p>Errors of {@link #check} (the REST layer renders them as {@code application/problem+json}, status in brackets):
 * <ul>
 * <li>{@link InvalidArgumentException} (400) {@code malformed_certificate}, field {@code certificates} or {@code certificates[i]}: not 1 to
 * {@value AttestationChecker#MAX_CERTIFICATES} members, a member that is not exactly one PEM X.509 certificate, or a
 * device key that is not P-256;</li>
 * <li>{@link RefusedException} (422) {@code attestation_failed} with {@code reason} {@code key_mismatch}, {@code expired},
 * {@code not_yet_valid}, {@code chain_does_not_verify} or {@code untrusted_root}: the chain does not attest the
 * key, the detail names the check and the certificate;</li>
 * <li>{@link RefusedException} (422) {@code attestation_disabled}, field {@code certificates}: certificates sent while no anchor is
 * configured.</li>
 * </ul>
 */
@Startup
@ApplicationScoped
public class AttestationService {

    private final AttestationChecker checker;

    /**
     * @param config {@code wattwitness.attestation.*}
     */
    public AttestationService(QueryConfig config) {
        List<String> files = config.attestation().trustAnchors().orElse(List.of()).stream()
                .map(String::trim).filter(file -> !file.isEmpty()).toList();
        this.checker = files.isEmpty() ? null : new AttestationChecker(load(files));
        if (checker == null) {
            Log.info("installation attestation disabled (no wattwitness.attestation.trust-anchors)");
        } else {
            Log.infof("installation attestation enabled, trust anchors: %s", checker.anchorSubjects());
        }
    }

    /** @return whether trust anchors are configured */
    public boolean enabled() {
        return checker != null;
    }

    /**
     * Checks the chain sent for a key.
     *
     * @param certificates PEM certificates, device certificate first, then its signer; null when the body has none
     * @param key the registered key
     * @param at check time
     * @return the verdict, or null when {@code certificates} is null (nothing to check)
     * @throws InvalidArgumentException malformed certificates ({@code code} {@code malformed_certificate})
     * @throws RefusedException {@code attestation_failed} or {@code attestation_disabled}
     */
    public AttestationVerdict check(List<String> certificates, DeviceKey key, Instant at) {
        if (certificates == null) {
            return null;
        }
        if (checker == null) {
            throw new RefusedException(Reason.ATTESTATION_DISABLED.code(), "Attestation disabled",
                    "certificates", "certificates: attestation is disabled on this server (no trust anchor is "
                            + "configured in wattwitness.attestation.trust-anchors); register without certificates",
                    Map.of());
        }
        try {
            return checker.check(certificates, key.raw(), at);
        } catch (AttestationFailure failure) {
            String code = failure.reason().code();
            if (failure.reason() == Reason.MALFORMED_CERTIFICATE) {
                throw new InvalidArgumentException(failure.member(), failure.getMessage(), Map.of("code", code));
            }
            throw new RefusedException("attestation_failed", "Attestation failed", failure.member(),
                    failure.member() + ": " + code + ": " + failure.getMessage(), Map.of("reason", code));
        }
    }

    private static List<X509CertificateHolder> load(List<String> files) {
        List<X509CertificateHolder> anchors = new ArrayList<>();
        for (String file : files) {
            try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.US_ASCII)) {
                anchors.addAll(AttestationChecker.readCertificates(reader, file));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("wattwitness.attestation.trust-anchors: cannot load trust anchors from "
                        + file + ": " + e.getMessage(), e);
            }
        }
        return anchors;
    }
}
