/**
 * The lanes: the unit and integration tiers as four JUnit suites, which surefire hands to its four test JVMs
 * ({@code test.forks}), one lane each. Surefire alone hands a JVM one class at a time, in no useful order, so the
 * classes of one Quarkus test set-up (profile and test resources) rarely followed each other and each JVM built a set-up
 * again each time it came back to it (20 application starts in a run); a lane runs its classes in one JUnit run, which
 * builds the keeper once and starts it once for each set of test resources, and Quarkus' class orderer runs the classes
 * of one set-up together.
 *
 * <p>A lane selects whole packages; a class whose Quarkus application another lane already starts is named by that lane
 * ({@code @SelectClasses}) and left out of its package's ({@code @ExcludeClassNamePatterns}), so that {@link TreeLane}
 * starts none. Every test class is in exactly one lane ({@code TestTiersTest} fails naming a class no lane runs, or one
 * two lanes run); a new package goes into the lane that ends first. The lanes that start an application discover one
 * at a time in the order of their {@code DiscoveryTurn}, the longest first, so a lane's start does not depend on which
 * JVM came first; they are balanced by their measured time for that order (docs/development.md, "Lanes").
 * {@code -Dtest=SomeTest} runs the classes named, without the lanes.
 */
package cloud.angryninja.keeper.lanes;
