package org.mptcpj.internal.sys;

/** Thread helpers shared by the packages that run work on threads of their own. */
public final class Threads {
    private Threads() {
    }

    /**
     * Waits for {@code t} to end even if the calling thread is interrupted meanwhile (the thread
     * owns resources that must not be abandoned); an interrupt received while waiting is left
     * pending.
     */
    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
