import { DiagnosticSeverity, Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';

/** What the official AsyncAPI parser says about a document (it validates against the AsyncAPI JSON Schema and its rules). */
export interface AsyncApiCheck {
  errors: string[];
  warnings: string[];
  /** The parsed model; absent when the document has errors. */
  document?: AsyncAPIDocumentInterface;
}

const parser = new Parser();
const describe = (d: Diagnostic) => `${d.code} at ${d.path.join('.') || '(root)'}: ${d.message}`;

export async function checkAsyncApi(doc: unknown): Promise<AsyncApiCheck> {
  const { document, diagnostics } = await parser.parse(JSON.stringify(doc));
  return {
    errors: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map(describe),
    warnings: diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).map(describe),
    document,
  };
}

/**
 * What the parsed document lacks for each message type: a channel at its routing key carrying the message,
 * a `send` operation (its producer), and for a command a `receive` operation (its one consumer).
 */
export function coverageProblems(document: AsyncAPIDocumentInterface, types: { events: string[]; commands: string[] }): string[] {
  const problems: string[] = [];
  const operations = document.operations().all();
  const carries = (op: (typeof operations)[number], type: string) =>
    op
      .channels()
      .all()
      .some((c) => c.address() === type) &&
    op
      .messages()
      .all()
      .some((m) => m.name() === type);
  for (const type of [...types.events, ...types.commands]) {
    const channel = document
      .channels()
      .all()
      .find((c) => c.address() === type);
    if (!channel) problems.push(`${type}: no channel at its routing key`);
    else if (
      !channel
        .messages()
        .all()
        .some((m) => m.name() === type)
    )
      problems.push(`${type}: its channel does not carry the message`);
    if (!operations.some((op) => op.isSend() && carries(op, type))) problems.push(`${type}: no send operation`);
    if (types.commands.includes(type) && operations.filter((op) => op.isReceive() && carries(op, type)).length !== 1)
      problems.push(`${type}: a command needs exactly one receive operation`);
  }
  return problems;
}
