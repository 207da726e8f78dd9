package org.ferspark.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of STYLE.md: Spark appears only in {@code *.spark} packages and in {@code org.ferspark.jobs}, so image
 * ops, networks and the dataset readers stay usable without a cluster. Checks every production class on the jobs
 * module's classpath (jobs, preprocessing, model, evaluation, realtime).
 */
@AnalyzeClasses(packages = "org.ferspark", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule sparkOnlyInSparkPackagesAndJobs = noClasses()
      .that().resideOutsideOfPackages("..spark..", "org.ferspark.jobs..")
      .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
      .because("Spark belongs in *.spark packages and jobs only (STYLE.md, Layout)");
}
