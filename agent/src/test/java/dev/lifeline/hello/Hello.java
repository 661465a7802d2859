package dev.lifeline.hello;

/** The smallest application: proves the agent never stops a JVM that has no SSH library at all. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("Hello");
    }
}
