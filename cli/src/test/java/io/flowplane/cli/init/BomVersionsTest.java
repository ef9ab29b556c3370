package io.flowplane.cli.init;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flowplane-bom has no parent (so a user's project does not inherit the control plane's library
 * versions), hence repeats some of the parent's versions: they must not drift apart.
 */
class BomVersionsTest {

    @Test
    void theBomPinsTheVersionsTheBuildUses() throws Exception {
        Map<String, String> parent = properties(Path.of("..", "pom.xml"));
        Map<String, String> bom = properties(Path.of("..", "bom", "pom.xml"));
        for (String key : new String[]{"grpc.version", "protobuf.version", "junit.version", "jsonschema-generator.version"}) {
            assertThat(bom.get(key)).as(key).isNotNull().isEqualTo(parent.get(key));
        }
        assertThat(version(Path.of("..", "bom", "pom.xml"))).isEqualTo(version(Path.of("..", "pom.xml")))
                .isEqualTo(ProjectTemplate.flowplaneVersion());
    }

    /**
     * Every artifact the BOM pins (by property or by a literal version) at the version this build
     * resolves: the jars on this test's class path come from the parent's dependency management,
     * the versions the SDK is built and tested with.
     */
    @Test
    void everyPinnedArtifactIsTheVersionOnTheBuildsClassPath() throws Exception {
        Map<String, String> resolved = new HashMap<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (jar.getNameCount() >= 3 && jar.getFileName().toString().endsWith(".jar")) {
                String version = jar.getParent().getFileName().toString();
                String artifact = jar.getParent().getParent().getFileName().toString();
                if (jar.getFileName().toString().startsWith(artifact + "-" + version)) {
                    resolved.put(artifact, version);
                }
            }
        }
        Map<String, String> bom = properties(Path.of("..", "bom", "pom.xml"));
        int checked = 0;
        var deps = parse(Path.of("..", "bom", "pom.xml")).getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            String artifact = d.getElementsByTagName("artifactId").item(0).getTextContent().trim();
            String version = d.getElementsByTagName("version").item(0).getTextContent().trim();
            if (version.startsWith("${")) {
                version = bom.get(version.substring(2, version.length() - 1));
            }
            boolean imported = d.getElementsByTagName("scope").getLength() > 0;
            if (artifact.startsWith("flowplane-") || imported) {
                continue;
            }
            assertThat(resolved).as("%s is pinned by the BOM but not on the build's class path", artifact).containsKey(artifact);
            assertThat(version).as(artifact).isEqualTo(resolved.get(artifact));
            checked++;
        }
        assertThat(checked).isGreaterThan(15);
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Map<String, String> properties(Path pom) throws Exception {
        Map<String, String> out = new HashMap<>();
        Node props = parse(pom).getElementsByTagName("properties").item(0);
        for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        return out;
    }

    private static String version(Path pom) throws Exception {
        Element project = parse(pom).getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("version")) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError("no version in " + pom);
    }
}
