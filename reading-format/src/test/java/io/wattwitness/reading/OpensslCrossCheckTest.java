package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the valid reading vectors (and a tampered one) with OpenSSL, an implementation independent of
 * BouncyCastle. Skips with a message when {@code openssl} is not installed.
 */
class OpensslCrossCheckTest {

    @Test
    void opensslAgreesWithTheVectors(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(opensslAvailable(), "openssl is not installed: cross-check skipped");
        int checked = 0;
        for (JsonNode vector : VectorFilesTest.read("readings.jsonl")) {
            String name = vector.get("name").asText();
            boolean expectValid = "valid".equals(vector.get("expected").asText());
            String error = vector.get("error").asText();
            if (!expectValid && !"bad_signature".equals(error)) {
                continue;
            }
            byte[] message = Hex.decode(vector.get("message").asText());
            byte[] signature = Hex.decode(vector.get("signature").asText());
            byte[] key = Hex.decode(vector.get("public_key").asText());
            Path msg = Files.write(dir.resolve(name + ".bin"), message);
            Path sig = Files.write(dir.resolve(name + ".sig"), der(signature));
            Path pub = Files.writeString(dir.resolve(name + ".pem"), pem(key), StandardCharsets.US_ASCII);
            Process process = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", pub.toString(),
                    "-signature", sig.toString(), msg.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int exit = process.waitFor();
            assertEquals(expectValid ? 0 : 1, exit, name + ": " + output);
            assertEquals(expectValid ? "Verified OK" : "Verification failure", output.lines().findFirst().orElse(""),
                    name);
            checked++;
        }
        assertTrue(checked >= 11, "checked " + checked + " vectors with openssl");
    }

    private static boolean opensslAvailable() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static byte[] der(byte[] raw) throws IOException {
        ASN1EncodableVector rs = new ASN1EncodableVector();
        rs.add(new ASN1Integer(new BigInteger(1, VectorGenerator.slice(raw, 0, 32))));
        rs.add(new ASN1Integer(new BigInteger(1, VectorGenerator.slice(raw, 32, 64))));
        return new DERSequence(rs).getEncoded("DER");
    }

    private static String pem(byte[] xy) throws IOException {
        byte[] point = new byte[65];
        point[0] = 0x04;
        System.arraycopy(xy, 0, point, 1, 64);
        SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1), point);
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(info.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
