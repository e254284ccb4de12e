// Redraws a picked image smaller before its upload, as image-plan.ts decides: decoded with
// createImageBitmap (which applies the EXIF orientation, so a portrait photo stays upright),
// drawn on a canvas at the planned size and encoded again, which leaves out EXIF and every
// other metadata. The platform does it all: a library such as browser-image-compression adds
// a worker and options this needs none of, and still draws on the same canvas.
// Anything that fails (a format the browser cannot decode, no canvas, out of memory) sends the
// original file instead: the user never loses a file here, and the API's limits still say
// plainly when one is too large.
import { acceptEncoded, encodingsFor, hasImageMetadata, JPEG_QUALITY, planImage } from './image-plan';

/** How much of the file's start is searched for metadata (EXIF sits in the first segments). */
const HEAD_BYTES = 256 * 1024;
const REDRAWN = new Set(['image/png', 'image/jpeg', 'image/webp']);

/** The file to upload for `file`: a smaller redrawn copy with the same name, or `file` itself. */
export async function imageForUpload(file: File): Promise<File> {
  if (!REDRAWN.has(file.type) || typeof createImageBitmap !== 'function') return file;
  try {
    const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    try {
      const plan = planImage({ type: file.type, bytes: file.size, width: bitmap.width, height: bitmap.height, hasMetadata: hasImageMetadata(head) });
      if (!plan.redraw) return file;
      const blob = await redraw(bitmap, plan.width, plan.height, file.type);
      return blob ? new File([blob], file.name, { type: blob.type, lastModified: file.lastModified }) : file;
    } finally {
      bitmap.close();
    }
  } catch {
    return file;
  }
}

async function redraw(bitmap: ImageBitmap, width: number, height: number, sourceType: string): Promise<Blob | null> {
  const canvas = makeCanvas(width, height);
  const context = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!context) return null;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  const alpha = sourceType !== 'image/jpeg' && hasTransparency(context.getImageData(0, 0, width, height).data);
  const choices = encodingsFor(sourceType, alpha);
  for (const [index, type] of choices.entries()) {
    const blob = await encode(canvas, type);
    // A browser that cannot write the format gives PNG instead: take the next choice then.
    if (blob && blob.type === type && acceptEncoded(blob.size, index === choices.length - 1)) return blob;
  }
  return null;
}

function makeCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas: OffscreenCanvas | HTMLCanvasElement, type: string): Promise<Blob | null> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality: JPEG_QUALITY });
  return new Promise((resolve) => canvas.toBlob(resolve, type, JPEG_QUALITY));
}

function hasTransparency(rgba: Uint8ClampedArray): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i]! < 255) return true;
  return false;
}
