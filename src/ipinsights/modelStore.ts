import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

export class ModelDestinationError extends CodedError {
  override readonly name = 'ModelDestinationError';
  readonly code = ErrorCode.ModelDestinationInvalid;
}

/**
 * Checks that a model can be written to `location` before any work is done: a local path's
 * folder must exist and the path must not be a folder; an `s3://` URI must be well formed.
 */
export async function checkModelDestination(location: string): Promise<void> {
  if (isS3Uri(location)) {
    parseS3Uri(location);
    return;
  }
  const folder = await stat(dirname(location)).catch(() => undefined);
  if (folder?.isDirectory() !== true) {
    throw new ModelDestinationError(
      `cannot write the model to ${location}: no such folder ${dirname(location)}`,
    );
  }
  const existing = await stat(location).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new ModelDestinationError(`cannot write the model to ${location}: it is a folder`);
  }
}

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
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, location);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
  return bytes.length;
}
