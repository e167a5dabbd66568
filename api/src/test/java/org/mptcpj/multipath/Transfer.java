package org.mptcpj.multipath;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.mptcpj.socket.StreamSocket;

/**
 * Streams {@code bytes} pseudo-random bytes from a client to a server socket on two platform
 * threads, hashing both ends with SHA-256, and times the gaps between the reads that return data
 * on the server. The writer does not shut the connection down (the reader knows the length), so
 * one connection can carry several transfers. The reader gives up after 20 s without data; {@link #await} is bounded; closing
 * the sockets ends both threads.
 */
final class Transfer {
    private static final int CHUNK = 64 * 1024;

    final long bytes;
    final AtomicLong received = new AtomicLong();
    private final Thread writer;
    private final Thread reader;
    private volatile byte[] sentHash;
    private volatile byte[] receivedHash;
    private volatile Throwable writeFailure;
    private volatile Throwable readFailure;
    private volatile long firstByteNanos;
    private volatile long lastByteNanos;
    private volatile long maxGapNanos;
    private volatile long maxGapEndNanos;
    private volatile long maxGapAtByte;
    private volatile long startNanos;
    private volatile long mark = Long.MAX_VALUE;
    private volatile long maxGapAfterMarkNanos;

    private Transfer(StreamSocket client, StreamSocket server, long bytes, long seed) {
        this.bytes = bytes;
        this.writer = Thread.ofPlatform().name("transfer-writer").unstarted(() -> write(client, seed));
        this.reader = Thread.ofPlatform().name("transfer-reader").unstarted(() -> read(server));
    }

    static Transfer start(StreamSocket client, StreamSocket server, long bytes) {
        Transfer t = new Transfer(client, server, bytes, 0x6d707463706aL ^ bytes);
        t.startNanos = System.nanoTime();
        t.reader.start();
        t.writer.start();
        return t;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private void write(StreamSocket s, long seed) {
        try {
            MessageDigest md = sha256();
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[CHUNK];
            long left = bytes;
            while (left > 0) {
                int n = (int) Math.min(CHUNK, left);
                random.nextBytes(chunk);
                md.update(chunk, 0, n);
                s.write(chunk, 0, n);
                left -= n;
            }
            // No shutdown: a connection past DATA_FIN (FIN_WAIT) gets no new subflows.
            sentHash = md.digest();
        } catch (Throwable e) {
            writeFailure = e;
        }
    }

    private void read(StreamSocket s) {
        try (Arena arena = Arena.ofConfined()) {
            MessageDigest md = sha256();
            MemorySegment buf = arena.allocate(4 * CHUNK);
            s.setReadTimeout(Duration.ofSeconds(20));
            long last = 0;
            boolean first = true;
            long total = 0;
            while (total < bytes) {
                int n = s.read(buf.asSlice(0, Math.min(buf.byteSize(), bytes - total)));
                long now = System.nanoTime();
                if (n < 0) {
                    throw new IOException("end of stream after " + total + " of " + bytes + " bytes");
                }
                md.update(buf.asSlice(0, n).asByteBuffer());
                if (first) {
                    firstByteNanos = now;
                    first = false;
                } else {
                    if (now - last > maxGapNanos) {
                        maxGapNanos = now - last;
                        maxGapEndNanos = now;
                        maxGapAtByte = total;
                    }
                    if (now >= mark && now - last > maxGapAfterMarkNanos) {
                        maxGapAfterMarkNanos = now - last;
                    }
                }
                last = now;
                total += n;
                received.set(total);
            }
            lastByteNanos = last;
            receivedHash = md.digest();
        } catch (Throwable e) {
            readFailure = e;
        }
    }

    /** What happened. */
    record Result(long bytes, long received, String sentSha, String receivedSha, long maxGapNanos,
                  long maxGapEndNanos, long maxGapAtByte, long firstByteNanos, long lastByteNanos,
                  long maxGapAfterMarkNanos) {
        /** {@return receiver throughput from the first to the last byte, in Mbit/s} */
        double mbitPerSecond() {
            return received * 8e3 / Math.max(1, lastByteNanos - firstByteNanos);
        }

        double maxGapMillis() {
            return maxGapNanos / 1e6;
        }
    }

    /**
     * Waits at most {@code timeout} for both ends to finish.
     *
     * @throws AssertionError if either end failed or did not finish
     */
    Result await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        writer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (writeFailure != null) {
            throw new AssertionError("writer failed after " + received.get() + " bytes received", writeFailure);
        }
        if (readFailure != null) {
            throw new AssertionError("reader failed after " + received.get() + " bytes", readFailure);
        }
        if (writer.isAlive() || reader.isAlive()) {
            throw new AssertionError("transfer not done after " + timeout + ": " + received.get() + " of " + bytes
                    + " bytes received");
        }
        HexFormat hex = HexFormat.of();
        return new Result(bytes, received.get(), hex.formatHex(sentHash), hex.formatHex(receivedHash), maxGapNanos,
                maxGapEndNanos, maxGapAtByte, firstByteNanos, lastByteNanos, maxGapAfterMarkNanos);
    }

    long startNanos() {
        return startNanos;
    }

    /**
     * Marks an instant (a cut, say): {@link Result#maxGapAfterMarkNanos()} is then the longest gap
     * between received chunks that ended after it.
     */
    void mark(long nanos) {
        mark = nanos;
    }
}
