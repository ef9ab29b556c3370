package io.flowplane.cli.init;

import io.flowplane.cli.ExitCodes;
import io.flowplane.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `flowplane init` writes the project from the jar's templates, and never into a non-empty directory. */
class InitCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAProjectWithEveryPlaceholderFilled() throws Exception {
        Path project = dir.resolve("Sales ETL");
        assertThat(execute(project.toString(), "--group-id", "org.example")).isZero();

        assertThat(project.resolve("src/main/java/org/example/flows/SalesEtlFlow.java")).content()
                .contains("package org.example.flows;").contains("Flow.of(\"sales-etl\", Params.class");
        assertThat(project.resolve("src/test/java/org/example/flows/SalesEtlFlowTest.java")).exists();
        assertThat(project.resolve("pom.xml")).content().contains("<artifactId>sales-etl</artifactId>")
                .contains("<mainClass>org.example.flows.SalesEtlFlow</mainClass>")
                .contains("<flowplane.version>" + ProjectTemplate.flowplaneVersion() + "</flowplane.version>");
        assertThat(project.resolve("flowplane.yaml")).content().contains("- name: sales-etl")
                .contains("url: target/sales-etl.jar").contains("command: [java, -jar, sales-etl.jar]");
        assertThat(Files.readAllLines(project.resolve("README.md"))).hasSize(5);
        assertThat(project.resolve(".gitignore")).content().contains("target/");
        try (var files = Files.walk(project)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(f).content().as(f.toString()).doesNotContain("{{");
            }
        }
    }

    @Test
    void theVersionWrittenIsTheBuildsOwn() {
        assertThat(ProjectTemplate.flowplaneVersion()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?").doesNotContain("$");
    }

    @Test
    void refusesADirectoryThatHoldsAnything() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("init", dir.toString());

        assertThat(code).isEqualTo(ExitCodes.ERROR);
        assertThat(err.toString()).contains("is not empty (it holds notes.txt)").doesNotContain("Exception");
        assertThat(dir.resolve("notes.txt")).hasContent("mine");
        assertThat(dir.resolve("pom.xml")).doesNotExist();
    }

    @Test
    void refusesNamesThatWouldNotBuild() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("init", dir.resolve("x").toString(), "--package", "Not.A-Package")).isEqualTo(ExitCodes.ERROR);
        assertThat(err.toString()).contains("--package 'Not.A-Package' is not a Java package name");
    }

    @Test
    void classNamesComeFromTheArtifactId() {
        assertThat(InitCommand.className("sales-etl")).isEqualTo("SalesEtlFlow");
        assertThat(InitCommand.className("9lives")).isEqualTo("My9livesFlow");
        assertThat(InitCommand.className("nightly.flow")).isEqualTo("NightlyFlow");
    }

    private static int execute(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "init";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.commandLine().execute(all);
    }
}
