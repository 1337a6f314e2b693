import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import type { LabelData } from '../../application/shipment-queries';

/** 4 x 6 inch, the usual thermal label, in PDF points. */
const WIDTH = 288;
const HEIGHT = 432;
const MARGIN = 18;

/** A printable shipping label: addresses, order, and the tracking number as a Code 128 barcode. */
export async function renderLabel(label: LabelData): Promise<Buffer> {
  const barcode = await bwipjs.toBuffer({ bcid: 'code128', text: label.trackingNumber, scale: 3, height: 14, includetext: true, textxalign: 'center' });
  const doc = new PDFDocument({ size: [WIDTH, HEIGHT], margin: MARGIN, info: { Title: `Label ${label.trackingNumber}`, Subject: `Order ${label.orderId}` } });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = WIDTH - 2 * MARGIN;

  doc.font('Helvetica-Bold').fontSize(9).text('FROM', MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9).text(`Location ${label.shipFromLocationId}`, { width });
  doc.moveDown(0.8);

  const a = label.shipTo;
  doc.font('Helvetica-Bold').fontSize(9).text('SHIP TO', { width });
  doc.font('Helvetica-Bold').fontSize(13).text(a.name, { width });
  doc.font('Helvetica').fontSize(12);
  for (const line of [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.region, a.country]) if (line) doc.text(line, { width });
  doc.moveDown(0.8);

  doc.font('Helvetica').fontSize(9).text(`Order ${label.orderId}`, { width });
  doc.text(`Carrier ${label.carrierId} / ${label.shippingMethod}`, { width });
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(11).text(`Tracking ${label.trackingNumber}`, { width });

  doc.image(barcode, MARGIN, HEIGHT - MARGIN - 110, { fit: [width, 100], align: 'center', valign: 'bottom' });
  doc.end();
  return done;
}
