import type { DestinationStream } from '@oms/logging';

/** What must never be in a log line, whoever wrote it: credentials by their form. */
const SECRET_FORMS: Array<[label: string, form: RegExp]> = [
  ['an API key', /oms_[A-Za-z0-9_-]{20,}/],
  ['a bearer credential', /Bearer\s+[A-Za-z0-9._~+/-]{16,}/i],
  ['an OMS-Signature HMAC', /v1=[0-9a-f]{64}/i],
];

/**
 * A pino destination that scans every line the services of this process write, as it is written, for secrets:
 * the values it is told to watch for (webhook secrets, the service token, signatures) and anything of the form
 * of a credential. Lines are not kept (a whole e2e run logs megabytes); findings are, with the line cut short.
 */
export class LogScanner implements DestinationStream {
  lines = 0;
  bytes = 0;
  readonly findings: string[] = [];
  private readonly watched = new Map<string, string>();

  /** A value that must never appear in a log, from now on. */
  watch(label: string, value: string): void {
    this.watched.set(value, label);
  }

  write(line: string): void {
    this.lines++;
    this.bytes += line.length;
    for (const [value, label] of this.watched) if (line.includes(value)) this.found(label, line);
    for (const [label, form] of SECRET_FORMS) if (form.test(line)) this.found(label, line);
  }

  private found(label: string, line: string): void {
    if (this.findings.length < 20) this.findings.push(`${label} in: ${line.slice(0, 400)}`);
  }
}
