const QUOTE = 0x22; // "
const LINE_FEED = 0x0a;

/**
 * Finds where complete records end in a byte stream, chunk by chunk, so that a body cut off in
 * the middle of a row can be told from one that ended: only bytes up to the last record
 * boundary are certain to hold whole rows. A record ends at a line feed; in CSV only at one
 * outside a quoted cell (a cell may hold line breaks), which is known by the parity of the
 * quotes seen so far (an escaped quote `""` counts twice). Both bytes are ASCII and never
 * occur inside a multi-byte UTF-8 character, so raw chunks can be scanned as they arrive.
 */
export class RecordBoundaryScanner {
  private insideQuotes = false;

  /** `quoted`: CSV (quotes protect line breaks); otherwise JSON lines (every line feed ends a record). */
  constructor(private readonly quoted: boolean) {}

  /**
   * Scans the next chunk of the stream and returns the index just past its last record
   * boundary: bytes before it complete a record; 0 when no record ends in this chunk.
   */
  scan(chunk: Uint8Array): number {
    if (!this.quoted) return chunk.lastIndexOf(LINE_FEED) + 1;
    let end = 0;
    let nextQuote = chunk.indexOf(QUOTE);
    let nextLineFeed = chunk.indexOf(LINE_FEED);
    while (nextLineFeed >= 0) {
      if (nextQuote >= 0 && nextQuote < nextLineFeed) {
        this.insideQuotes = !this.insideQuotes;
        nextQuote = chunk.indexOf(QUOTE, nextQuote + 1);
        continue;
      }
      if (!this.insideQuotes) end = nextLineFeed + 1;
      nextLineFeed = chunk.indexOf(LINE_FEED, nextLineFeed + 1);
    }
    // Quotes after the last line feed still count for the chunks to come.
    for (; nextQuote >= 0; nextQuote = chunk.indexOf(QUOTE, nextQuote + 1))
      this.insideQuotes = !this.insideQuotes;
    return end;
  }
}
