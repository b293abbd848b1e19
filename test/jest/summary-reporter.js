// Prints one plain closing line, "tests: N passed, N failed", that any CI log reader understands.
// A suite that fails to load counts as a failure, so a broken file cannot pass silently.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const suffix = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stderr.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed${suffix}\n`);
  }
}
module.exports = SummaryReporter;
