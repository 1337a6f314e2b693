import { Transform, type TransformCallback } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import { AppError } from '@oms/errors';
import type { Request } from '@oms/http';
import type { CsvReadOptions, CsvRecord, CsvSource } from '../../application/csv-source';

/** Limits of an uploaded CSV file (docs/limits.md). */
export const CSV_LIMITS = {
  /** The whole file: 100,000 order lines of a busy day fit several times. */
  fileBytes: 100 * 1024 * 1024,
  /** The header row: every known column with room to spare (the order header is about 300 bytes). */
  headerBytes: 4 * 1024,
  /** Columns of the header: the order format has 23, the stock format 6. */
  columns: 64,
  /** One line of the file, and the characters of one record (a record may span lines inside quotes). */
  recordBytes: 16 * 1024,
} as const;
export const MAX_CSV_BYTES = CSV_LIMITS.fileBytes;

const tooLarge = (what: string) => new AppError(413, 'Content Too Large', what);

/**
 * Counts bytes on their way to the parser and stops, before the parser buffers anything, a body over the
 * file limit, a header line over CSV_LIMITS.headerBytes and any line over CSV_LIMITS.recordBytes. A line
 * is cheaper to bound than a record (no quotes to follow) and a line of a valid file is never that long.
 */
export class ByteLimit extends Transform {
  bytes = 0;
  private line = 1;
  private lineBytes = 0;
  constructor(
    private readonly limit: number,
    private readonly headerLimit: number = CSV_LIMITS.headerBytes,
    private readonly lineLimit: number = CSV_LIMITS.recordBytes,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(tooLarge(`A CSV import may have at most ${this.limit} bytes`));
    let start = 0;
    for (let nl = chunk.indexOf(10, start); ; nl = chunk.indexOf(10, start)) {
      this.lineBytes += (nl === -1 ? chunk.length : nl) - start;
      const max = this.line === 1 ? this.headerLimit : this.lineLimit;
      if (this.lineBytes > max)
        return done(tooLarge(this.line === 1 ? `The CSV header row may have at most ${max} bytes` : `Line ${this.line} is longer than ${max} bytes`));
      if (nl === -1) break;
      this.line++;
      this.lineBytes = 0;
      start = nl + 1;
    }
    done(null, chunk);
  }
}

/**
 * Stream a text/csv request body through csv-parse, within CSV_LIMITS, in bounded memory. `stop()` drains
 * the rest of the request, so that an answer given before the end reaches the client.
 */
export function readCsvUpload(req: Request, options: CsvReadOptions): CsvSource {
  if (!req.is('text/csv')) throw new AppError(415, 'Unsupported Media Type', 'Send the file as Content-Type: text/csv');
  if (Number(req.get('content-length') ?? 0) > MAX_CSV_BYTES) throw tooLarge(`A CSV import may have at most ${MAX_CSV_BYTES} bytes`);
  let refusal: AppError | undefined;
  const parserOptions: Options = {
    columns: (header: string[]) => {
      if (header.length > CSV_LIMITS.columns)
        throw (refusal = new AppError(422, 'Validation Failed', `The CSV header has ${header.length} columns; at most ${CSV_LIMITS.columns} are read`));
      const problems = options.headerProblems(header);
      if (problems.length)
        throw (refusal = new AppError(
          422,
          'Validation Failed',
          'The CSV header is invalid',
          problems.map((message) => ({ path: 'header', message })),
        ));
      return header;
    },
    bom: true,
    trim: true,
    relax_column_count_less: options.allowShortRows ?? false,
    skip_empty_lines: true,
    info: true,
    // Counts the characters of fields only (not delimiters): ByteLimit bounds the lines themselves.
    max_record_size: CSV_LIMITS.recordBytes,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      const line = Number((err as { lines?: number } | undefined)?.lines ?? 0);
      // A record this large (a quote left open, say) stops the import: what follows cannot be read reliably.
      if (err?.code === 'CSV_MAX_RECORD_SIZE')
        throw (refusal = tooLarge(`The record ending on line ${line} has more than ${CSV_LIMITS.recordBytes} characters`));
      options.onUnreadableRow(line, err?.message ?? 'unreadable row');
      return undefined;
    },
  };
  const parser = parse(parserOptions);
  const limit = new ByteLimit(MAX_CSV_BYTES);
  limit.on('error', (err) => {
    if (err instanceof AppError) refusal ??= err;
    parser.destroy(err);
  });
  req.on('error', (err) => parser.destroy(err));
  req.pipe(limit).pipe(parser);
  return {
    records: parser as AsyncIterable<CsvRecord>,
    stop: () => {
      req.unpipe();
      req.resume();
      return refusal;
    },
  };
}
