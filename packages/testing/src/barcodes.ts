import { readFile } from 'node:fs/promises';
import { PDFiumLibrary } from '@hyzyla/pdfium';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

// Both engines are WebAssembly shipped inside their npm packages (no node-gyp, no canvas, no browser) and both have a
// CommonJS entry, so ts-jest's CommonJS output can require them without --experimental-vm-modules.
// - @hyzyla/pdfium: Google's PDFium (the renderer of Chrome), MIT. mupdf was the other candidate, but it is ESM-only with
//   top-level await (so neither require() nor jest without the VM-modules flag can load it) and licensed AGPL-3.0.
// - zxing-wasm: ZXing-C++, MIT, reads every common 1-D and 2-D symbology. @zxing/library (the older JavaScript port)
//   declares node >= 24 in its current release (0.23.0).

/** One symbol found on the page: `format` as ZXing names it ('Code128', 'QRCode', 'DataMatrix', …) and its decoded text. */
export interface DecodedBarcode {
  format: string;
  text: string;
}

export interface DecodeBarcodesOptions {
  /** 1-based page number; defaults to 1. */
  page?: number;
  /** Render resolution. 300 dpi (a thermal label printer's) keeps the narrowest Code 128 bar several pixels wide. */
  dpi?: number;
}

type Pdfium = Awaited<ReturnType<typeof PDFiumLibrary.init>>;

let pdfium: Promise<Pdfium> | undefined;
let zxingReady: Promise<unknown> | undefined;

/** PDFium is instantiated once per process (a few MB of WASM) and kept: documents are opened and destroyed per call. */
function loadPdfium(): Promise<Pdfium> {
  pdfium ??= PDFiumLibrary.init();
  return pdfium;
}

/**
 * zxing-wasm fetches its .wasm from a CDN unless told otherwise; tests have no internet, so hand it the copy that the
 * npm package ships.
 */
function loadZxing(): Promise<unknown> {
  zxingReady ??= readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasm) =>
    prepareZXingModule({
      overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
      fireImmediately: true,
    }),
  );
  return zxingReady;
}

/**
 * Renders one page of a PDF to pixels and decodes every barcode on it, so that a test can prove a generated label is
 * machine-readable (not merely that it contains an image). Returns [] for a page without a readable barcode.
 */
export async function decodeBarcodesInPdf(pdf: Buffer, options: DecodeBarcodesOptions = {}): Promise<DecodedBarcode[]> {
  const { page = 1, dpi = 300 } = options;
  const [library] = await Promise.all([loadPdfium(), loadZxing()]);
  const document = await library.loadDocument(new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength));
  let pixels: { data: Uint8ClampedArray; width: number; height: number };
  try {
    const count = document.getPageCount();
    if (!Number.isInteger(page) || page < 1 || page > count) throw new RangeError(`page ${page} is not in 1..${count}`);
    const pdfPage = document.getPage(page - 1);
    const { originalWidth, originalHeight } = pdfPage.getOriginalSize();
    // An opaque white page, 4 bytes a pixel. Despite its name, 'BGRA' comes out in RGBA order (the wrapper renders with
    // FPDF_REVERSE_BYTE_ORDER), which is what zxing-wasm expects of an ImageData.
    const bitmap = await pdfPage.render({
      colorSpace: 'BGRA',
      width: Math.round((originalWidth * dpi) / 72),
      height: Math.round((originalHeight * dpi) / 72),
    });
    pixels = { data: new Uint8ClampedArray(bitmap.data.buffer, bitmap.data.byteOffset, bitmap.data.byteLength), width: bitmap.width, height: bitmap.height };
  } finally {
    document.destroy();
  }
  const results = await readBarcodes(pixels, { formats: [], tryHarder: true });
  return results.map((r) => ({ format: r.format, text: r.text }));
}
