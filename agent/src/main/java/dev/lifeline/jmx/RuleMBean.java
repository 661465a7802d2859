package dev.lifeline.jmx;

import dev.lifeline.report.Log;
import dev.lifeline.config.HostRule;
import dev.lifeline.config.Key;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code lifeline:type=Rule,name=NAME}, one per host rule, read-only strings: {@code Name}, {@code Match},
 * {@code Settings} ({@code key=value (source)} per line) and one attribute per key a rule may set, named like the key
 * ({@code keepalive.interval}), empty when this rule does not set it. A snapshot: replaced when the configuration is.
 */
public final class RuleMBean implements DynamicMBean {
    private final Map<String, String> values = new LinkedHashMap<String, String>();
    private final MBeanInfo info;

    public RuleMBean(HostRule rule) {
        values.put("Name", rule.name());
        values.put("Match", rule.match());
        StringBuilder settings = new StringBuilder();
        for (Map.Entry<String, String> e : rule.values().entrySet()) {
            // one line per setting: a value or file path with a line break in it cannot add a line
            settings.append(e.getKey()).append('=').append(Log.escapeLine(e.getValue())).append(" (")
                    .append(Log.escapeLine(rule.source(e.getKey()))).append(")\n");
        }
        values.put("Settings", settings.toString());
        for (Key k : Key.all().values()) {
            if (k.perHost) {
                String v = rule.values().get(k.name);
                values.put(k.name, v == null ? "" : v);
            }
        }
        List<MBeanAttributeInfo> attrs = new ArrayList<MBeanAttributeInfo>();
        for (String name : values.keySet()) {
            String what = name.equals("Name") ? "rule name" : name.equals("Match") ? "patterns, as written"
                    : name.equals("Settings") ? "what the rule sets, one 'key=value (source)' per line"
                    : "this rule's " + name + ", empty when it does not set it";
            attrs.add(new MBeanAttributeInfo(name, String.class.getName(), what, true, false, false));
        }
        info = new MBeanInfo(RuleMBean.class.getName(), "Lifeline host rule " + rule.name(),
                attrs.toArray(new MBeanAttributeInfo[0]), null, new MBeanOperationInfo[0], null);
    }

    /** Rule names are letters, digits, _ and -: safe as an unquoted ObjectName value. */
    public static ObjectName objectName(String ruleName) throws javax.management.MalformedObjectNameException {
        return new ObjectName("lifeline:type=Rule,name=" + ruleName);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        String v = values.get(name);
        if (v == null) {
            throw new AttributeNotFoundException(name);
        }
        return v;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String n : names) {
            String v = values.get(n);
            if (v != null) {
                list.add(new Attribute(n, v));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) throws javax.management.ReflectionException {
        throw new javax.management.ReflectionException(new NoSuchMethodException(action), "no operations on a rule");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
