package org.mptcpj.internal.sys;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.testing.StderrCapture;

/** close(2) and the wake-up shutdown(2) of {@link GuardedFd#close()} report their failures, never drop them. */
class GuardedFdTest {
    @Test
    void failedCloseIsLoggedWithTheErrno() {
        try (StderrCapture err = new StderrCapture()) {
            new GuardedFd(-1).close(); // close(-1): EBADF
            assertTrue(err.text().contains("close(fd -1) failed: EBADF"), "logged: " + err.text());
        }
    }

    @Test
    void failedWakeUpShutdownIsLoggedWithTheErrno() {
        int efd = Sys.LIBRARY.eventfd(0, Linux.EFD_CLOEXEC()); // a descriptor, but no socket: shutdown(2) gives ENOTSOCK
        GuardedFd fd = new GuardedFd(efd);
        try (StderrCapture err = new StderrCapture()) {
            fd.acquire("test"); // a holder: close() must wake it with shutdown(2)
            fd.close();
            fd.release();
            assertTrue(err.text().contains("shutdown(fd " + efd + ", SHUT_RDWR) failed: ENOTSOCK"), "logged: " + err.text());
            assertTrue(!err.text().contains("close(fd " + efd), "the real close succeeded: " + err.text());
        } catch (org.mptcpj.error.SocketClosedException e) {
            throw new AssertionError(e);
        }
    }
}
