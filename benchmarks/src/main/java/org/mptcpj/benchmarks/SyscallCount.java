package org.mptcpj.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mptcpj.option.Linger;
import org.mptcpj.socket.MptcpPolicy;
import org.mptcpj.socket.ServerStreamSocket;
import org.mptcpj.socket.StreamSocket;

/**
 * The operations whose system calls {@code run.sh} counts with {@code strace -c}, attached only to
 * the threads doing them and only while they do them, so that neither the JVM's start-up nor its
 * JIT and GC threads are counted.
 *
 * <pre>java -cp mptcpj-benchmarks.jar org.mptcpj.benchmarks.SyscallCount pingpong|connect MPTCP|TCP OPS</pre>
 *
 * It warms up, prints {@code tids T...} (the native thread ids to attach to: for ping-pong the
 * client thread and the echo thread, for connect the one thread that connects, accepts and closes),
 * waits until a tracer is attached to each ({@code TracerPid} in {@code /proc/self/task/T/status}),
 * performs OPS operations, prints {@code done}, and exits at the end of its standard input (by then
 * strace has detached). The few calls around the window (waking from the wait, printing "done")
 * add about 3 calls in total: a rounding error over thousands of operations.
 */
public final class SyscallCount {
    private static final MethodHandle GETTID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final int WARM_UP = 20_000;

    private SyscallCount() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: SyscallCount pingpong|connect MPTCP|TCP OPS");
            System.exit(2);
        }
        MptcpPolicy policy = Loopback.policy(args[1]);
        int ops = Integer.parseInt(args[2]);
        switch (args[0]) {
            case "pingpong" -> pingPong(policy, ops);
            case "connect" -> connect(policy, ops);
            default -> throw new IllegalArgumentException("pingpong or connect, not " + args[0]);
        }
    }

    private static void pingPong(MptcpPolicy policy, int ops) throws Exception {
        try (Loopback.ApiPair pair = Loopback.apiPair(policy)) {
            CompletableFuture<Integer> echoTid = new CompletableFuture<>();
            Loopback.Peer echo = Loopback.start("echo", () -> {
                echoTid.complete(gettid());
                PingPongBenchmark.echo(pair.server());
            });
            MemorySegment buf = Arena.ofAuto().allocate(PingPongBenchmark.SIZE, 8);
            for (int i = 0; i < WARM_UP; i++) {
                PingPongBenchmark.roundTrip(pair.client(), buf);
            }
            awaitTracer(List.of(gettid(), echoTid.get(10, TimeUnit.SECONDS)));
            for (int i = 0; i < ops; i++) {
                PingPongBenchmark.roundTrip(pair.client(), buf);
            }
            finish();
            echo.stopping = true;
            pair.client().close();
            echo.join();
        }
    }

    private static void connect(MptcpPolicy policy, int ops) throws Exception {
        try (ServerStreamSocket listener = ServerStreamSocket.open(policy, StandardProtocolFamily.INET)) {
            listener.bind(Loopback.ANY_PORT, 128);
            InetSocketAddress address = listener.localAddress();
            Linger reset = Linger.seconds(0);
            for (int i = 0; i < WARM_UP / 4; i++) {
                ConnectBenchmark.connectAcceptClose(policy, listener, address, reset);
            }
            awaitTracer(List.of(gettid()));
            for (int i = 0; i < ops; i++) {
                ConnectBenchmark.connectAcceptClose(policy, listener, address, reset);
            }
            finish();
        }
    }

    /** Prints the thread ids, then blocks (one futex wait) until another thread sees all of them traced. */
    private static void awaitTracer(List<Integer> tids) throws Exception {
        CountDownLatch traced = new CountDownLatch(1);
        Thread watcher = new Thread(() -> {
            try {
                while (!tids.stream().allMatch(SyscallCount::isTraced)) {
                    Thread.sleep(5);
                }
                traced.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tracer-watch");
        watcher.setDaemon(true);
        watcher.start();
        StringBuilder line = new StringBuilder("tids");
        tids.forEach(t -> line.append(' ').append(t));
        System.out.println(line);
        System.out.flush();
        if (!traced.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no tracer attached to threads " + tids + " within 60 s");
        }
    }

    private static boolean isTraced(int tid) {
        try {
            return Files.readAllLines(Path.of("/proc/self/task/" + tid + "/status")).stream()
                    .anyMatch(l -> l.startsWith("TracerPid:") && !l.substring(10).trim().equals("0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints "done", then waits for the end of standard input (strace has detached by then). */
    private static void finish() throws IOException {
        System.out.println("done");
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                // wait
            }
        }
    }

    private static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid", t);
        }
    }
}
