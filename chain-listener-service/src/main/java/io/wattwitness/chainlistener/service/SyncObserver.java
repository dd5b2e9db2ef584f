package io.wattwitness.chainlistener.service;

/** Progress notifications of {@link ChainSync}, for metrics and health. */
public interface SyncObserver {

    /** Chain head and the highest block the listener may read (both block numbers). */
    void chainPosition(long head, long target);

    /** The cursor moved forward to {@code block}. */
    void processed(BlockRef block);

    /** A reorganisation: the cursor moved back from block {@code from} to block {@code to}. */
    void rewound(long from, long to);

    /** An observer that ignores everything. */
    SyncObserver NONE = new SyncObserver() {
        @Override
        public void chainPosition(long head, long target) {
        }

        @Override
        public void processed(BlockRef block) {
        }

        @Override
        public void rewound(long from, long to) {
        }
    };
}
