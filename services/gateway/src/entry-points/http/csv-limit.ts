import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@oms/errors';

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
