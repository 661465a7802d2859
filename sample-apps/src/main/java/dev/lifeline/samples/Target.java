package dev.lifeline.samples;

/** Command line shared by the samples: {@code HOST PORT USER IDENTITY_FILE [app arguments...]}. */
final class Target {
    final String host;
    final int port;
    final String user;
    final String identity;
    final String[] rest;

    private Target(String[] args) {
        host = args[0];
        port = Integer.parseInt(args[1]);
        user = args[2];
        identity = args[3];
        rest = java.util.Arrays.copyOfRange(args, 4, args.length);
    }

    static Target parse(String[] args, int extra, String usage) {
        if (args.length < 4 + extra) {
            System.err.println("usage: HOST PORT USER IDENTITY_FILE " + usage);
            System.exit(2);
        }
        return new Target(args);
    }
}
