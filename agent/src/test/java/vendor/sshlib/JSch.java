package vendor.sshlib;

/**
 * JSch relocated into a package of another name altogether (a vendor's relocation of {@code com.jcraft.jsch} to
 * {@code vendor.sshlib}): the package does not show it, the class names do. Lifeline weaves none of it.
 */
public class JSch {
}
