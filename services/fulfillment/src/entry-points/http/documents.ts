import PDFDocument from 'pdfkit';
import type { FulfillmentView, PickListView } from '../../application/fulfillment-queries';

const MARGIN = 40;

/** A4 portrait; the bytes once the document is ended. */
function pdf(title: string, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: title } });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  draw(doc);
  doc.end();
  return done;
}

/** One row of fixed columns (x positions in points). */
function row(doc: PDFKit.PDFDocument, cells: string[], xs: number[], bold = false): void {
  const y = doc.y;
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
  cells.forEach((cell, i) => doc.text(cell, xs[i], y, { width: (xs[i + 1] ?? 555) - xs[i] - 6, lineBreak: false, ellipsis: true }));
  doc.x = MARGIN;
  doc.moveDown(0.6);
  if (doc.y > 780) doc.addPage();
}

/** The walk through the location: bin by bin, each SKU once, with the split per fulfillment to sort into totes. */
export function renderPickList(list: PickListView): Promise<Buffer> {
  return pdf(`Pick list ${list.id}`, (doc) => {
    doc.font('Helvetica-Bold').fontSize(16).text(`Pick list ${list.id}`);
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(`Location ${list.locationId} · ${list.fulfillmentIds.length} fulfillments · ${list.createdAt} · by ${list.createdBy}`);
    doc.moveDown();
    const xs = [MARGIN, 130, 290, 340];
    row(doc, ['Bin', 'SKU', 'Qty', 'For (fulfillment: qty)'], xs, true);
    for (const line of list.lines)
      row(doc, [line.bin, line.sku, String(line.quantity), line.for.map((f) => `${f.fulfillmentId.slice(0, 12)}: ${f.quantity}`).join(', ')], xs);
  });
}

/** What goes into the parcel with the goods: the address, the order, and every line to tick off. */
export function renderPackingSlip(f: FulfillmentView): Promise<Buffer> {
  return pdf(`Packing slip ${f.id}`, (doc) => {
    doc.font('Helvetica-Bold').fontSize(16).text('Packing slip');
    doc.font('Helvetica').fontSize(10).text(`Order ${f.orderId} · fulfillment ${f.id} · from ${f.locationId} · ${f.shippingMethod}`);
    doc.moveDown();
    const a = f.shippingAddress;
    doc.font('Helvetica-Bold').text('Ship to');
    doc.font('Helvetica');
    for (const line of [a.name, a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country]) if (line) doc.text(line);
    doc.moveDown();
    const xs = [MARGIN, 330, 400];
    row(doc, ['SKU', 'Qty', 'Packed'], xs, true);
    for (const line of f.lines) row(doc, [line.sku, String(line.quantity), '[  ]'], xs);
  });
}
