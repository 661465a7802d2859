package dev.lifeline.samples;

import java.io.InputStream;

/** What the {@code *SftpStall} apps share: the endless upload and the report of its failure. */
final class SftpStallSupport {
    private SftpStallSupport() {
    }

    /** Endless 'x' bytes; prints {@code READY putting} once {@code readyAfter} bytes were read from it. */
    static InputStream endless(final long readyAfter) {
        return new InputStream() {
            private long read;

            @Override
            public int read() {
                count(1);
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                count(len);
                return len;
            }

            private void count(int n) {
                if (read < readyAfter && read + n >= readyAfter) {
                    Result.ready("putting");
                }
                read += n;
            }
        };
    }

    /** The upload failed: one {@code FAILED} line at once (the test times it), the error kept for the result. */
    static void failed(Result result, Throwable e) {
        System.out.println("FAILED " + e.getClass().getName());
        System.out.flush();
        result.with("error", e.getClass().getName() + ": " + e.getMessage());
    }
}
