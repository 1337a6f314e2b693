import { Transform, type TransformCallback } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import { AppError } from '@oms/errors';
import type { Request } from '@oms/http';
import type { CsvReadOptions, CsvRecord, CsvSource } from '../../application/csv-source';

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

/**
 * Stream a text/csv request body through csv-parse, at most MAX_CSV_BYTES, in bounded memory. `stop()`
 * drains the rest of the request, so that an answer given before the end reaches the client.
 */
export function readCsvUpload(req: Request, options: CsvReadOptions): CsvSource {
  if (!req.is('text/csv')) throw new AppError(415, 'Unsupported Media Type', 'Send the file as Content-Type: text/csv');
  if (Number(req.get('content-length') ?? 0) > MAX_CSV_BYTES)
    throw new AppError(413, 'Content Too Large', `A CSV import may have at most ${MAX_CSV_BYTES} bytes`);
  let headerError: AppError | undefined;
  const parserOptions: Options = {
    columns: (header: string[]) => {
      const problems = options.headerProblems(header);
      if (problems.length)
        throw (headerError = new AppError(
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
    records: parser as AsyncIterable<CsvRecord>,
    stop: () => {
      req.unpipe();
      req.resume();
      return headerError ?? (streamError instanceof AppError ? streamError : undefined);
    },
  };
}
