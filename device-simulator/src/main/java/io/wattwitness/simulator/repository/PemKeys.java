package io.wattwitness.simulator.repository;

import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.P256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Device private keys as PEM (RFC 7468 {@code PRIVATE KEY}: PKCS#8 DER, base64, 64-character lines), readable by
 * {@code openssl pkey}. Only P-256 (secp256r1) keys are accepted.
 */
public final class PemKeys {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private PemKeys() {
    }

    /**
     * @param signer the device key
     * @return PEM text ending with a newline
     */
    public static String toPem(DeviceSigner signer) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            byte[] der = factory.generatePrivate(new ECPrivateKeySpec(signer.privateKey(), p256())).getEncoded();
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
            return BEGIN + "\n" + body + "\n" + END + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's EC provider cannot encode a P-256 key", e);
        }
    }

    /**
     * @param pem PEM text holding one PKCS#8 {@code PRIVATE KEY}
     * @return the device key
     * @throws IllegalArgumentException when the text is not a PKCS#8 PEM block, not an EC key or not on P-256
     */
    public static DeviceSigner fromPem(String pem) {
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not a PEM 'PRIVATE KEY' block (PKCS#8 expected)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM body is not base64", e);
        }
        try {
            ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            ECParameterSpec params = key.getParams();
            if (!params.getOrder().equals(P256.N) || params.getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("the key is not on the P-256 curve");
            }
            BigInteger d = key.getS();
            return new DeviceSigner(d);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a PKCS#8 EC private key: " + e.getMessage(), e);
        }
    }

    private static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }
}
