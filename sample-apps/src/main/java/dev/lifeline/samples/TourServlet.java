package dev.lifeline.samples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/**
 * A webapp's servlet that runs a topology tour ({@link TourSupport}) with the library of its own {@code WEB-INF/lib}:
 * {@code GET ?lib=jsch|mina|sshj&args=HOST+PORT+USER+IDENTITY+SILENT_PORT[&exec=COMMAND]}; answers the tour's fields, one
 * {@code key=value} a line. {@code TomcatTopology} copies it into the webapp's {@code WEB-INF/classes}.
 */
public final class TourServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String lib = request.getParameter("lib");
        String[] args = request.getParameter("args").split(" ");
        if (request.getParameter("exec") != null) {
            args = java.util.Arrays.copyOf(args, args.length + 1);
            args[args.length - 1] = request.getParameter("exec");
        }
        response.setContentType("text/plain;charset=UTF-8");
        PrintWriter out = response.getWriter();
        try {
            Map<String, String> fields = "mina".equals(lib) ? MinaTour.run(args) : "sshj".equals(lib) ? SshjTour.run(args) : JschTour.run(args);
            for (Map.Entry<String, String> e : fields.entrySet()) {
                out.println(e.getKey() + "=" + e.getValue());
            }
        } catch (Exception e) {
            out.println("error=" + e);
        }
    }
}
