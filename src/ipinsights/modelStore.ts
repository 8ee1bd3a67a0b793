import { readFile, rename, writeFile } from 'node:fs/promises';
import type { IpInsightsModel } from './model';
import { decodeModel, encodeModel } from './modelFile';
import {
  ObjectNotFoundError,
  isS3Uri,
  noStorage,
  parseS3Uri,
  readAll,
  type ObjectReader,
  type ObjectWriter,
} from './objectStorage';
import { CodedError, ErrorCode } from '../shared/errors';

export class ModelNotFoundError extends CodedError {
  override readonly name = 'ModelNotFoundError';
  readonly code = ErrorCode.ModelNotFound;
}

/** Loads a model from a local path or an `s3://` URI (through `storage`). */
export async function loadModel(
  location: string,
  storage?: ObjectReader,
): Promise<IpInsightsModel> {
  let bytes: Uint8Array;
  if (isS3Uri(location)) {
    if (storage === undefined) throw noStorage(location);
    try {
      bytes = await readAll(await storage.read(parseS3Uri(location)));
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        throw new ModelNotFoundError(`model not found: ${location}`);
      }
      throw error;
    }
  } else {
    try {
      bytes = await readFile(location);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ModelNotFoundError(`model not found: ${location}`);
      }
      throw error;
    }
  }
  return decodeModel(bytes);
}

/** Saves a model to a local path (written aside then renamed: never half a file) or `s3://` URI. */
export async function saveModel(
  model: IpInsightsModel,
  location: string,
  storage?: ObjectWriter,
): Promise<number> {
  const bytes = encodeModel(model);
  if (isS3Uri(location)) {
    if (storage === undefined) throw noStorage(location);
    await storage.write(parseS3Uri(location), bytes);
  } else {
    const temporary = `${location}.${process.pid}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, location);
  }
  return bytes.length;
}
