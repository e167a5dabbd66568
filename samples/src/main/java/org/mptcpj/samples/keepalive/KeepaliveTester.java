package org.mptcpj.samples.keepalive;

/** The keepalive tester: peer mode (seed 001's program) or {@code --lab} mode. See {@link TesterOptions#USAGE}. */
public final class KeepaliveTester {
    private KeepaliveTester() {
    }

    public static void main(String[] args) throws Exception {
        TesterOptions options;
        try {
            options = TesterOptions.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("keepalive-tester: " + e.getMessage());
            }
            System.err.print(TesterOptions.USAGE);
            System.exit(2);
            return;
        }
        int status = options.lab() ? new KeepaliveLab(options, System.out, System.err).run()
                : new PeerMode(options, System.out).run();
        System.exit(status);
    }
}
