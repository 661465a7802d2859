package vendor.sshlib;

/** The second class of JSch's relocation signature (see {@link JSch}). */
public class ChannelExec {
}
