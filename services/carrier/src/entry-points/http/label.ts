import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import type { LabelData } from '../../application/shipment-queries';

/** A6 portrait (105 x 148 mm), the usual parcel label, in PDF points. */
export const A6 = { width: 297.64, height: 419.53 } as const;
const MARGIN = 14;

/**
 * A printable A6 shipping label: sender, receiver, carrier and service, weight, and the tracking number as
 * a Code 128 barcode (wide modules and a quiet zone, so a scanner, or the test's decoder, reads it).
 */
export async function renderLabel(label: LabelData): Promise<Buffer> {
  const barcode = await bwipjs.toBuffer({
    bcid: 'code128',
    text: label.trackingNumber,
    scale: 3,
    height: 16,
    includetext: true,
    textxalign: 'center',
    paddingwidth: 10,
  });
  const doc = new PDFDocument({
    size: [A6.width, A6.height],
    margin: MARGIN,
    info: { Title: `Label ${label.trackingNumber}`, Subject: `Order ${label.orderId}` },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = A6.width - 2 * MARGIN;

  doc.font('Helvetica-Bold').fontSize(8).text('FROM', MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(8).text(`${label.sender}, location ${label.shipFromLocationId}`, { width });
  doc.moveDown(0.6);

  const a = label.shipTo;
  doc.font('Helvetica-Bold').fontSize(8).text('SHIP TO', { width });
  doc.font('Helvetica-Bold').fontSize(12).text(a.name, { width });
  doc.font('Helvetica').fontSize(11);
  for (const line of [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country]) if (line) doc.text(line, { width });
  doc.moveDown(0.6);

  doc.font('Helvetica-Bold').fontSize(10).text(`${label.carrierId.toUpperCase()} · ${label.service}`, { width });
  const facts = [label.weightGrams ? `${(label.weightGrams / 1000).toFixed(2)} kg` : undefined, label.parcel ? `parcel ${label.parcel}` : undefined];
  doc
    .font('Helvetica')
    .fontSize(9)
    .text([...facts.filter(Boolean), `order ${label.orderId}`].join(' · '), { width });

  doc.image(barcode, MARGIN, A6.height - MARGIN - 120, { fit: [width, 112], align: 'center', valign: 'bottom' });
  doc.end();
  return done;
}
