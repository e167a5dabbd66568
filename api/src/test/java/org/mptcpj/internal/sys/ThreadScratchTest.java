package org.mptcpj.internal.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Leases of scratch memory: a platform thread's own, a virtual thread's pooled or (past the pool) temporary. */
class ThreadScratchTest {
    @Test
    void platformThreadKeepsItsOwn() {
        ThreadScratch a = ThreadScratch.acquire();
        a.release();
        ThreadScratch b = ThreadScratch.acquire();
        b.release();
        assertSame(a, b);
    }

    @Test
    void virtualThreadLeasesAreDistinctPastThePoolAndReused() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                List<ThreadScratch> held = new ArrayList<>();
                Set<Long> addresses = new HashSet<>();
                for (int i = 0; i < ThreadScratch.POOLED + 3; i++) { // the last three are temporary
                    ThreadScratch s = ThreadScratch.acquire();
                    s.buffer().set(ValueLayout.JAVA_INT, 0, i);
                    s.bounce().set(ValueLayout.JAVA_INT, 0, i);
                    assertTrue(addresses.add(s.buffer().address()), "two leases share a buffer");
                    assertTrue(addresses.add(s.bounce().address()), "two leases share a bounce buffer");
                    held.add(s);
                }
                for (int i = 0; i < held.size(); i++) {
                    assertEquals(i, held.get(i).buffer().get(ValueLayout.JAVA_INT, 0), "a lease was overwritten");
                    assertEquals(i, held.get(i).bounce().get(ValueLayout.JAVA_INT, 0), "a bounce buffer was overwritten");
                }
                for (ThreadScratch s : held) {
                    s.release(); // the temporary ones free their memory here
                }
                ThreadScratch again = ThreadScratch.acquire();
                try {
                    assertTrue(held.subList(0, ThreadScratch.POOLED).contains(again), "a pooled scratch is reused");
                    assertNotSame(again, ThreadScratch.get(), "a virtual thread does not get a thread-local");
                } finally {
                    again.release();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }
}
