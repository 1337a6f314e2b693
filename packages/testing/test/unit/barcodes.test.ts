import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { decodeBarcodesInPdf } from '../../src/barcodes';

/** A6 in points, the shipping label's size. */
const A6: [number, number] = [297.64, 419.53];

/** A PDF of A6 pages, each drawn by one callback (pdfkit starts the first page itself). */
async function pdf(...pages: Array<(doc: PDFKit.PDFDocument) => void>): Promise<Buffer> {
  const doc = new PDFDocument({ size: A6, margin: 18 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => doc.on('end', resolve));
  pages.forEach((draw, i) => {
    if (i > 0) doc.addPage({ size: A6, margin: 18 });
    draw(doc);
  });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** The carrier label's barcode, made the way services/carrier makes it. */
function code128(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: 'code128', text, scale: 3, height: 14, includetext: true });
}

function address(doc: PDFKit.PDFDocument): void {
  doc.fontSize(11).text('From: OMS Warehouse, 1 Dock Road').moveDown().fontSize(14).text('To: Jane Doe, 12 Example Street, 10115 Berlin');
}

describe('decodeBarcodesInPdf', () => {
  it('when a label carries a Code 128 barcode, then its text is read back from the rendered page', async () => {
    const barcode = await code128('JJD0001234567');
    const label = await pdf((doc) => {
      address(doc);
      doc.image(barcode, 18, 220, { width: A6[0] - 36 });
    });

    await expect(decodeBarcodesInPdf(label)).resolves.toEqual([{ format: 'Code128', text: 'JJD0001234567' }]);
  });

  it('when the page has no barcode, then nothing is found', async () => {
    const letter = await pdf(address);

    await expect(decodeBarcodesInPdf(letter)).resolves.toEqual([]);
  });

  it('when the barcode is on the second page, then only that page yields it', async () => {
    const barcode = await code128('JJD0009876543');
    const twoPages = await pdf(address, (doc) => doc.image(barcode, 18, 40, { width: A6[0] - 36 }));

    await expect(decodeBarcodesInPdf(twoPages, { page: 1 })).resolves.toEqual([]);
    await expect(decodeBarcodesInPdf(twoPages, { page: 2 })).resolves.toEqual([{ format: 'Code128', text: 'JJD0009876543' }]);
    await expect(decodeBarcodesInPdf(twoPages, { page: 3 })).rejects.toThrow(RangeError);
  });
});
