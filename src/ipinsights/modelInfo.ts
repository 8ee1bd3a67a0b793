import { open } from 'node:fs/promises';
import type { ModelMetadata } from './model';
import { decodeModelMetadata, MODEL_HEADER_BYTES } from './modelFile';
import {
  isS3Uri,
  noStorage,
  ObjectNotFoundError,
  parseS3Uri,
  type S3Location,
} from './objectStorage';

/** The first bytes of an object and its version (S3 object versioning), for a header read. */
export interface ObjectStartReader {
  readStart(
    location: S3Location,
    bytes: number,
  ): Promise<{ readonly bytes: Uint8Array; readonly version?: string }>;
}

export interface ModelInfo {
  readonly metadata: ModelMetadata;
  /** The S3 object version; none for a local file or an unversioned bucket. */
  readonly version?: string;
}

/**
 * What a published model says about itself (trained when, on what), read from its header only:
 * a few kilobytes instead of the whole model. Undefined when there is no model there yet.
 */
export async function readModelInfo(
  location: string,
  reader?: ObjectStartReader,
): Promise<ModelInfo | undefined> {
  if (isS3Uri(location)) {
    if (reader === undefined) throw noStorage(location);
    try {
      const start = await reader.readStart(parseS3Uri(location), MODEL_HEADER_BYTES);
      return {
        metadata: decodeModelMetadata(start.bytes),
        ...(start.version === undefined ? {} : { version: start.version }),
      };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }
  let file;
  try {
    file = await open(location, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(MODEL_HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, MODEL_HEADER_BYTES, 0);
    return { metadata: decodeModelMetadata(buffer.subarray(0, bytesRead)) };
  } finally {
    await file.close();
  }
}
