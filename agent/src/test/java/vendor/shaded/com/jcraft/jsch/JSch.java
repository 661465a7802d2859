package vendor.shaded.com.jcraft.jsch;

/** JSch as maven-shade relocates it into a vendor's jar (same class names, another package): Lifeline weaves none. */
public class JSch {
}
