package io.flowplane.controlplane.common;

import java.util.regex.PatternSyntaxException;

/**
 * A library's exception message fit for a problem document: its first line, without the Java
 * class names libraries put in front of their reasons ("java.util.regex.PatternSyntaxException: ").
 */
public final class UserMessages {
    private UserMessages() {
    }

    public static String plain(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof PatternSyntaxException p) {
                return "invalid regular expression '" + p.getPattern() + "': " + p.getDescription();
            }
        }
        String message = e.getMessage() == null ? "invalid value" : e.getMessage().split("\n")[0];
        return message.replaceAll("(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error)?:\\s*", "")
                .replaceAll("\\b(?:int|long) value\\b", "value")
                .trim();
    }
}
