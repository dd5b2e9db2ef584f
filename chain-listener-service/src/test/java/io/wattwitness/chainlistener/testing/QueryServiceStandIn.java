package io.wattwitness.chainlistener.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server standing in for query-service's two endpoints the listener calls (query-service README): sealed
 * batches with roots chosen by the test, and mark-on-chain with the anchoring role, recording every accepted call.
 * Semantics follow the contract: 401 without the token, 404 for an unsealed batch, 409 when merkle_root differs from
 * the sealed root, idempotent repeats answer already_marked; a newer anchoring (other tx) replaces the mark.
 */
public final class QueryServiceStandIn implements AutoCloseable {

    /** One accepted mark-on-chain call. */
    public record Mark(long batchId, String txHash, long blockNumber, String merkleRoot, boolean alreadyMarked) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String token;
    private final Map<Long, String> sealedRoots = new ConcurrentHashMap<>();
    private final Map<Long, Integer> readingCounts = new ConcurrentHashMap<>();
    private final Map<Long, Mark> currentMarks = new ConcurrentHashMap<>();
    private final List<Mark> acceptedMarks = new CopyOnWriteArrayList<>();
    private final List<Long> batchRequests = new CopyOnWriteArrayList<>();
    private final Set<Long> unavailable = ConcurrentHashMap.newKeySet();

    private QueryServiceStandIn(HttpServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /** Starts on a free port of 127.0.0.1. */
    public static QueryServiceStandIn start(String token) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            QueryServiceStandIn standIn = new QueryServiceStandIn(server, token);
            server.createContext("/api/v1/batches/", standIn::batch);
            server.createContext("/api/v1/readings/mark-on-chain", standIn::markOnChain);
            server.start();
            return standIn;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the query-service stand-in", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Seals a batch with a root ("0x" + 64 hex). */
    public void seal(long batchId, String root, int readingCount) {
        sealedRoots.put(batchId, root.toLowerCase());
        readingCounts.put(batchId, readingCount);
    }

    /** While set, GET of this batch answers 503 (query-service failing for it). */
    public void unavailable(long batchId, boolean isUnavailable) {
        if (isUnavailable) {
            unavailable.add(batchId);
        } else {
            unavailable.remove(batchId);
        }
    }

    /** The mark a batch currently carries (last accepted anchoring), null when unmarked. */
    public Mark currentMark(long batchId) {
        return currentMarks.get(batchId);
    }

    /** Accepted mark-on-chain calls for a batch that changed its mark (already_marked false). */
    public List<Mark> effectiveMarks(long batchId) {
        return acceptedMarks.stream().filter(m -> m.batchId() == batchId && !m.alreadyMarked()).toList();
    }

    /** Every accepted mark-on-chain call for a batch, repeats included. */
    public List<Mark> acceptedMarks(long batchId) {
        return acceptedMarks.stream().filter(m -> m.batchId() == batchId).toList();
    }

    /** How often GET /api/v1/batches/{id} was asked for this batch. */
    public long batchRequests(long batchId) {
        return batchRequests.stream().filter(id -> id == batchId).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void batch(HttpExchange exchange) throws IOException {
        try {
            String idText = exchange.getRequestURI().getPath().substring("/api/v1/batches/".length())
                    .replace("/", "");
            long id;
            try {
                id = Long.parseLong(idText);
            } catch (NumberFormatException e) {
                problem(exchange, 400, "batch id must be a number");
                return;
            }
            batchRequests.add(id);
            if (unavailable.contains(id)) {
                problem(exchange, 503, "database unavailable");
                return;
            }
            String root = sealedRoots.get(id);
            if (root == null) {
                problem(exchange, 404, "batch " + id + " is not sealed");
                return;
            }
            Mark mark = currentMarks.get(id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("batch_id", id);
            body.put("merkle_root", root);
            body.put("reading_count", readingCounts.get(id));
            body.put("first_reading_time", 1_767_225_600L);
            body.put("last_reading_time", 1_767_225_890L);
            body.put("sealed_at", "2026-01-01T00:05:00Z");
            body.put("is_on_chain", mark != null);
            body.put("blockchain_tx_hash", mark == null ? null : mark.txHash());
            body.put("blockchain_block_number", mark == null ? null : mark.blockNumber());
            body.put("readings", List.of());
            json(exchange, 200, body);
        } finally {
            exchange.close();
        }
    }

    private void markOnChain(HttpExchange exchange) throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                problem(exchange, 405, "POST only");
                return;
            }
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                problem(exchange, 401, "anchoring token required");
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            long id = request.path("batch_id").asLong();
            String root = sealedRoots.get(id);
            if (root == null) {
                problem(exchange, 404, "batch " + id + " is not sealed");
                return;
            }
            String claimed = request.path("merkle_root").asText().toLowerCase();
            if (!root.equals(claimed)) {
                problem(exchange, 409, "merkle_root differs from the sealed batch's");
                return;
            }
            String tx = request.path("blockchain_tx_hash").asText();
            long block = request.path("blockchain_block_number").asLong();
            Mark previous = currentMarks.get(id);
            boolean already = previous != null && previous.txHash().equals(tx) && previous.blockNumber() == block;
            Mark mark = new Mark(id, tx, block, claimed, already);
            acceptedMarks.add(mark);
            currentMarks.put(id, mark);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("batch_id", id);
            body.put("marked", already ? 0 : readingCounts.get(id));
            body.put("already_marked", already);
            json(exchange, 200, body);
        } finally {
            exchange.close();
        }
    }

    private static void problem(HttpExchange exchange, int status, String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "stand-in error");
        body.put("status", status);
        body.put("detail", detail);
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        send(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
