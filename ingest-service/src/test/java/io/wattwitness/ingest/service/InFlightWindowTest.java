package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

    @Test
    void admitsAtOnceBelowTheBoundAndWaitsForAFreeSlotAtIt() {
        InFlightWindow window = new InFlightWindow(2);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        CompletableFuture<Void> third = new CompletableFuture<>();

        assertTrue(done(window.admit(Uni.createFrom().completionStage(first))));
        CompletableFuture<Void> roomAfterSecond = window.admit(Uni.createFrom().completionStage(second))
                .subscribeAsCompletionStage();
        assertEquals(2, window.running());
        assertFalse(roomAfterSecond.isDone(), "two jobs run: the caller must wait");

        second.complete(null);
        assertTrue(roomAfterSecond.isDone());
        assertEquals(1, window.running());

        CompletableFuture<Void> roomAfterThird = window.admit(Uni.createFrom().completionStage(third))
                .subscribeAsCompletionStage();
        assertFalse(roomAfterThird.isDone());
        first.completeExceptionally(new IllegalStateException("a failed job frees its slot too"));
        assertTrue(roomAfterThird.isDone());
        third.complete(null);
        assertEquals(0, window.running());
    }

    @Test
    void aWindowHoldsAtLeastOneJob() {
        assertThrows(IllegalArgumentException.class, () -> new InFlightWindow(0));
    }

    private static boolean done(Uni<Void> room) {
        return room.subscribeAsCompletionStage().isDone();
    }
}
