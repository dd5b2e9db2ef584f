package io.wattwitness.chainlistener.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes10;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Bytes6;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.utils.Numeric;

/**
 * LocalForwarder + WattWitnessAnchor deployed on anvil from the forge artifacts with raw transactions, and the calls
 * the tests make: reports delivered through the forwarder exactly as the CRE workflow runner does (contracts/README.md,
 * "Report"; LocalForwarder header layout and DON signatures), installation registration and key rotation.
 */
public final class AnchorDeployment {

    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(15_000_000);
    private static final int DON_ID = 1;
    private static final int CONFIG_VERSION = 1;
    /** bytes10 workflow name as CRE encodes it (any non-zero value works for the anchor). */
    private static final byte[] WORKFLOW_NAME = "4b1c5c1d2e".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WORKFLOW_ID = Hash.sha3("wattwitness-listener-test".getBytes(StandardCharsets.UTF_8));
    private static final List<ECKeyPair> DON_KEYS = List.of(
            ECKeyPair.create(BigInteger.valueOf(0x51)), ECKeyPair.create(BigInteger.valueOf(0x52)),
            ECKeyPair.create(BigInteger.valueOf(0x53)), ECKeyPair.create(BigInteger.valueOf(0x54)));

    private final Web3j web3j;
    private final Credentials owner;
    private final RawTransactionManager transactions;
    private final String forwarder;
    private final String anchor;
    private final long deployBlock;

    private AnchorDeployment(Web3j web3j, Credentials owner, RawTransactionManager transactions, String forwarder,
            String anchor, long deployBlock) {
        this.web3j = web3j;
        this.owner = owner;
        this.transactions = transactions;
        this.forwarder = forwarder;
        this.anchor = anchor;
        this.deployBlock = deployBlock;
    }

    /** Deploys the forwarder (f = 1, four DON signers) and the anchor owned by anvil's first account. */
    public static AnchorDeployment deploy(Web3j web3j) {
        Credentials owner = Credentials.create(Anvil.DEV_KEY);
        RawTransactionManager transactions = new RawTransactionManager(web3j, owner, Anvil.CHAIN_ID);
        String forwarderCode = ContractArtifacts.bytecode("LocalForwarder")
                + FunctionEncoder.encodeConstructor(List.of(new Address(owner.getAddress())));
        TransactionReceipt forwarderReceipt = send(web3j, transactions, null, forwarderCode);
        String forwarder = forwarderReceipt.getContractAddress();

        List<Address> signers = DON_KEYS.stream()
                .map(key -> new Address(Credentials.create(key).getAddress()))
                .toList();
        send(web3j, transactions, forwarder, FunctionEncoder.encode(new Function("setConfig", List.of(
                new Uint32(DON_ID), new Uint32(CONFIG_VERSION), new Uint8(1),
                new DynamicArray<>(Address.class, signers)), List.of())));

        String anchorCode = ContractArtifacts.bytecode("WattWitnessAnchor") + FunctionEncoder.encodeConstructor(List.of(
                new Address(owner.getAddress()), new Address(forwarder), new Address(owner.getAddress()),
                new Bytes10(WORKFLOW_NAME)));
        TransactionReceipt anchorReceipt = send(web3j, transactions, null, anchorCode);
        return new AnchorDeployment(web3j, owner, transactions, forwarder, anchorReceipt.getContractAddress(),
                anchorReceipt.getBlockNumber().longValueExact());
    }

    public String anchorAddress() {
        return anchor;
    }

    public long deployBlock() {
        return deployBlock;
    }

    /** An anchoring transaction as seen on chain. */
    public record Anchored(long batchId, String root, String txHash, long blockNumber) {
    }

    /**
     * Delivers a report for a batch through the forwarder.
     *
     * @param executionId workflow execution id (the forwarder refuses a second delivery with the same id)
     * @return the anchoring transaction
     * @throws IllegalStateException when onReport did not emit BatchAnchored (the forwarder records, not reverts)
     */
    public Anchored anchor(long batchId, String root, int readingCount, String executionId) {
        byte[] payload = Numeric.hexStringToByteArray(FunctionEncoder.encodeConstructor(List.of(new Uint64(batchId),
                new Bytes32(Numeric.hexStringToByteArray(root)), new Uint32(readingCount),
                new Uint64(1_767_225_600L + batchId * 300), new Uint64(1_767_225_600L + batchId * 300 + 290))));
        ByteBuffer header = ByteBuffer.allocate(109);
        header.put((byte) 1);
        header.put(Hash.sha3(executionId.getBytes(StandardCharsets.UTF_8)));
        header.putInt((int) Instant.now().getEpochSecond());
        header.putInt(DON_ID);
        header.putInt(CONFIG_VERSION);
        header.put(WORKFLOW_ID);
        header.put(WORKFLOW_NAME);
        header.put(Numeric.hexStringToByteArray(owner.getAddress()));
        header.put(new byte[] {0, 1});
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(header.array());
        raw.writeBytes(payload);
        byte[] rawReport = raw.toByteArray();
        byte[] context = "ctx".getBytes(StandardCharsets.US_ASCII);
        byte[] digest = Hash.sha3(concat(Hash.sha3(rawReport), context));
        List<DynamicBytes> signatures = new ArrayList<>();
        for (ECKeyPair key : DON_KEYS.subList(0, 2)) {
            Sign.SignatureData signature = Sign.signMessage(digest, key, false);
            signatures.add(new DynamicBytes(concat(signature.getR(), signature.getS(),
                    new byte[] {(byte) (signature.getV()[0] - 27)})));
        }
        TransactionReceipt receipt = send(web3j, transactions, forwarder, FunctionEncoder.encode(new Function(
                "report", List.of(new Address(anchor), new DynamicBytes(rawReport), new DynamicBytes(context),
                        new DynamicArray<>(DynamicBytes.class, signatures)), List.of())));
        boolean anchored = receipt.getLogs().stream().anyMatch(log -> log.getAddress().equalsIgnoreCase(anchor));
        if (!anchored) {
            throw new IllegalStateException("onReport did not anchor batch " + batchId + " (tx "
                    + receipt.getTransactionHash() + ")");
        }
        return new Anchored(batchId, root.toLowerCase(), receipt.getTransactionHash(),
                receipt.getBlockNumber().longValueExact());
    }

    /** A fresh P-256 key, X || Y as 128 hex. */
    public static String newDeviceKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            ECPublicKey key = (ECPublicKey) pair.getPublic();
            return Numeric.toHexStringNoPrefixZeroPadded(key.getW().getAffineX(), 64)
                    + Numeric.toHexStringNoPrefixZeroPadded(key.getW().getAffineY(), 64);
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Device id of a key: first 8 bytes of SHA-256(X || Y), 16 hex (reading-format SPEC). */
    public static String deviceId(String publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(HexFormat.of().parseHex(publicKey));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** registerInstallation(id, meter, x, y) as the owner; returns the transaction hash. */
    public String registerInstallation(long installationId, String meterHex, String publicKey) {
        return keyCall("registerInstallation", installationId, meterHex, publicKey);
    }

    /** rotateDeviceKey(id, meter, x, y) as the owner; returns the transaction hash. */
    public String rotateDeviceKey(long installationId, String meterHex, String publicKey) {
        return keyCall("rotateDeviceKey", installationId, meterHex, publicKey);
    }

    private String keyCall(String name, long installationId, String meterHex, String publicKey) {
        List<Type> args = List.of(new Uint64(installationId), new Bytes6(HexFormat.of().parseHex(meterHex)),
                new Bytes32(HexFormat.of().parseHex(publicKey.substring(0, 64))),
                new Bytes32(HexFormat.of().parseHex(publicKey.substring(64))));
        return send(web3j, transactions, anchor, FunctionEncoder.encode(new Function(name, args, List.of())))
                .getTransactionHash();
    }

    private static TransactionReceipt send(Web3j web3j, RawTransactionManager transactions, String to, String data) {
        try {
            BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice().multiply(BigInteger.TWO);
            EthSendTransaction sent = to == null
                    ? transactions.sendTransaction(gasPrice, GAS_LIMIT, null, data, BigInteger.ZERO, true)
                    : transactions.sendTransaction(gasPrice, GAS_LIMIT, to, data, BigInteger.ZERO);
            if (sent.hasError()) {
                throw new IllegalStateException("transaction refused: " + sent.getError().getMessage());
            }
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(sent.getTransactionHash())
                        .send().getTransactionReceipt();
                if (receipt.isPresent()) {
                    if (!receipt.get().isStatusOK()) {
                        throw new IllegalStateException("transaction " + sent.getTransactionHash() + " reverted");
                    }
                    return receipt.get();
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("no receipt for " + sent.getTransactionHash());
        } catch (IOException e) {
            throw new IllegalStateException("JSON-RPC failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
