package dev.lifeline.hello;

/** Loads (and initialises) the classes named as arguments, then says how many: an app that touches a library. */
public final class LoadClasses {
    public static void main(String[] args) throws Exception {
        for (String name : args) {
            Class.forName(name);
        }
        System.out.println("loaded " + args.length);
    }
}
