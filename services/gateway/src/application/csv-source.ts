import type { AppError } from '@oms/errors';

/** One data row of an uploaded CSV file, with the line it ends on. */
export interface CsvRecord {
  record: Record<string, string>;
  info: { lines: number };
}

/** How an import wants its file read. */
export interface CsvReadOptions {
  /** Problems with the header row (missing or unknown columns); any refuses the whole file (422). */
  headerProblems: (header: string[]) => string[];
  /** A row that could not be read (wrong quotes, too many columns): counted and reported by the import. */
  onUnreadableRow: (line: number, reason: string) => void;
  /** Rows may leave optional columns off their end. */
  allowShortRows?: boolean;
}

/** A CSV file being read as it arrives (the HTTP entry point streams the request body). */
export interface CsvSource {
  records: AsyncIterable<CsvRecord>;
  /**
   * After reading failed: the answer to give (a bad header is 422, a file over the limit 413), or undefined
   * when the CSV itself was unreadable. Also drains the rest of the upload, so the answer reaches the client.
   */
  stop(): AppError | undefined;
}

/** Starts reading the file with the import's options. */
export type OpenCsv = (options: CsvReadOptions) => CsvSource;
