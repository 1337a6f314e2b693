import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@oms/errors';
import type { Request } from '@oms/http';
import { parse, type CsvError, type Options } from 'csv-parse';

export const MAX_CSV_BYTES = 100 * 1024 * 1024;

/** Counts bytes on their way to the parser, and stops a body over the limit. */
export class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(new AppError(413, 'Content Too Large', `A CSV import may have at most ${this.limit} bytes`));
    done(null, chunk);
  }
}

export interface CsvUpload {
  /** The data rows as they arrive, with their line number in the file. */
  records: AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
  /**
   * After reading failed: the answer to give (a bad header is 422, a body over the limit 413), or
   * undefined when the CSV itself was unreadable. Also drains the rest of the request, so the answer
   * reaches the client.
   */
  stop(): AppError | undefined;
}

export interface CsvUploadOptions {
  /** Problems with the header row (missing or unknown columns); any makes the upload a 422. */
  headerProblems: (header: string[]) => string[];
  /** A row that could not be read (wrong quotes, too many columns): counted and reported by the caller. */
  onUnreadableRow: (line: number, reason: string) => void;
  /** Rows may leave optional columns off their end. */
  allowShortRows?: boolean;
}

/** Stream a text/csv request body through csv-parse, at most MAX_CSV_BYTES, in bounded memory. */
export function readCsvUpload(req: Request, options: CsvUploadOptions): CsvUpload {
  if (!req.is('text/csv')) throw new AppError(415, 'Unsupported Media Type', 'Send the file as Content-Type: text/csv');
  if (Number(req.get('content-length') ?? 0) > MAX_CSV_BYTES) throw new AppError(413, 'Content Too Large', `A CSV import may have at most ${MAX_CSV_BYTES} bytes`);
  let headerError: AppError | undefined;
  const parserOptions: Options = {
    columns: (header: string[]) => {
      const problems = options.headerProblems(header);
      if (problems.length) throw (headerError = new AppError(422, 'Validation Failed', 'The CSV header is invalid', problems.map((message) => ({ path: 'header', message }))));
      return header;
    },
    bom: true,
    trim: true,
    relax_column_count_less: options.allowShortRows ?? false,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      options.onUnreadableRow(Number((err as { lines?: number } | undefined)?.lines ?? 0), err?.message ?? 'unreadable row');
      return undefined;
    },
  };
  const parser = parse(parserOptions);
  const limit = new ByteLimit(MAX_CSV_BYTES);
  let streamError: unknown;
  limit.on('error', (err) => {
    streamError = err;
    parser.destroy(err);
  });
  req.on('error', (err) => parser.destroy(err));
  req.pipe(limit).pipe(parser);
  return {
    records: parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>,
    stop: () => {
      req.unpipe();
      req.resume();
      return headerError ?? (streamError instanceof AppError ? streamError : undefined);
    },
  };
}
