package dev.lifeline.report;

import java.security.AccessController;
import java.security.PrivilegedAction;

/**
 * Lifeline's long-lived threads, made so that they keep nothing of the application thread that happened to start them.
 * Most start lazily, inside an application call (the first deadline, the first action, a start deferred to the first
 * SSH class): a plain {@code new Thread} there inherits that thread's context class loader and, before JDK 24, its
 * access control context (the protection domains on its stack), and so keeps a webapp's class loader alive after
 * the webapp is undeployed (Tomcat names such a thread at undeploy; {@code TopologyTest#jschInATomcatWebapp} checks
 * the loader is collected). Here: made inside {@code doPrivileged} (the inherited context holds only Lifeline's own
 * domain) with Lifeline's loader as context loader. In the lowest layer, as every layer above starts threads.
 */
public final class AgentThreads {
    private AgentThreads() {
    }

    /** A daemon thread, not started. */
    @SuppressWarnings("removal") // AccessController: a no-op from JDK 24, needed before it
    public static Thread daemon(final Runnable body, final String name) {
        return AccessController.doPrivileged(new PrivilegedAction<Thread>() {
            @Override
            public Thread run() {
                Thread t = new Thread(body, name);
                t.setDaemon(true);
                t.setContextClassLoader(AgentThreads.class.getClassLoader());
                return t;
            }
        });
    }
}
