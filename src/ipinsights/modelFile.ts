import { endianness } from 'node:os';
import * as z from 'zod';
import { hyperparameterSchema } from './hyperparameters';
import { HISTORY_PROBABILITIES } from './history';
import { IP_PREFIX_LENGTHS, IpInsightsModel, type ModelMetadata, type ModelParts } from './model';
import { CodedError, ErrorCode } from '../shared/errors';

/**
 * The model file: one self-describing binary container.
 *
 *   bytes 0..3   magic "IPIM"
 *   bytes 4..7   format version, uint32 little-endian (this build writes 3, reads 1 to 3)
 *   bytes 8..11  header length N, uint32 little-endian
 *   N bytes      header, UTF-8 JSON: hyperparameters, metadata, section list
 *   padding      to a multiple of 4 bytes
 *   sections     little-endian arrays, back to back, in the header's order
 */
export const MODEL_FORMAT_VERSION = 3;
/**
 * Version 1 files have no per-entity history, version 2 no training counts (frequencyPrior.ts):
 * they still load, and read without them.
 */
const READABLE_VERSIONS: readonly number[] = [1, 2, 3];
const MAGIC = 'IPIM';
const PREAMBLE_BYTES = 12;

export class ModelFormatError extends CodedError {
  override readonly name = 'ModelFormatError';
  readonly code = ErrorCode.ModelFormatInvalid;
}

const SECTIONS = [
  ['entityVectors', 'float32'],
  ['ipVectors', 'float32'],
  ['knownEntities', 'uint32'],
  ['calibrationNormal', 'float32'],
  ['calibrationRandom', 'float32'],
  // Version 2: what each known entity did in training (history.ts).
  ['historyPairs', 'uint32'],
  ['historyQuantiles', 'float32'],
  ['historyNetworkOffsets', 'uint32'],
  ['historyNetworkPrefixes', 'uint32'],
  ['historyNetworkCounts', 'uint32'],
  ['historyNetworkOther', 'uint32'],
  // Version 3: the training counts added to the dot product.
  ['priorKeys', 'uint32'],
  ['priorCounts', 'uint32'],
] as const;
const HISTORY_SECTIONS = SECTIONS.filter(([name]) => name.startsWith('history'));
type SectionName = (typeof SECTIONS)[number][0];

const headerSchema = z.object({
  hyperparameters: hyperparameterSchema,
  ipPrefixLengths: z.array(z.number().int()),
  metadata: z.object({
    trainedAt: z.string(),
    trainingPairs: z.number().int().nonnegative(),
    entityCount: z.number().int().nonnegative(),
    finalLoss: z.number(),
    // Written by a scheduled retraining: the window it read, and its AUC on a held-out slice.
    window: z.object({ from: z.string(), to: z.string() }).optional(),
    source: z.string().max(2048).optional(),
    heldOutAuc: z.number().optional(),
  }),
  sections: z.array(
    z.object({
      name: z.enum(SECTIONS.map(([name]) => name) as [SectionName, ...SectionName[]]),
      type: z.enum(['float32', 'uint32']),
      length: z.number().int().nonnegative(),
    }),
  ),
});

function assertLittleEndianHost(): void {
  // Sections are raw typed-array bytes; every platform Node runs on in practice is little-endian.
  if (endianness() !== 'LE') throw new ModelFormatError('model files need a little-endian host');
}

function sectionArrays(
  model: IpInsightsModel,
): Partial<Record<SectionName, Float32Array | Uint32Array>> {
  const { parts } = model;
  const { history, prior } = parts;
  return {
    entityVectors: parts.entityVectors,
    ipVectors: parts.ipVectors,
    knownEntities: parts.knownEntities,
    calibrationNormal: parts.calibration.normal,
    calibrationRandom: parts.calibration.random,
    ...(history === undefined
      ? {}
      : {
          historyPairs: history.pairs,
          historyQuantiles: history.quantiles,
          historyNetworkOffsets: history.networkOffsets,
          historyNetworkPrefixes: history.networkPrefixes,
          historyNetworkCounts: history.networkCounts,
          historyNetworkOther: history.networkOther,
        }),
    ...(prior === undefined ? {} : { priorKeys: prior.keys, priorCounts: prior.counts }),
  };
}

export function encodeModel(model: IpInsightsModel): Uint8Array {
  assertLittleEndianHost();
  const arrays = sectionArrays(model);
  const present = SECTIONS.flatMap(([name, type]) => {
    const array = arrays[name];
    return array === undefined ? [] : [{ name, type, array }];
  });
  const header = {
    hyperparameters: model.hyperparameters,
    ipPrefixLengths: [...IP_PREFIX_LENGTHS],
    metadata: model.metadata,
    sections: present.map(({ name, type, array }) => ({ name, type, length: array.length })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const sectionsStart = align4(PREAMBLE_BYTES + headerBytes.length);
  const total = present.reduce((sum, { array }) => sum + array.byteLength, sectionsStart);
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(MODEL_FORMAT_VERSION, 4);
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, PREAMBLE_BYTES);
  let offset = sectionsStart;
  for (const { array } of present) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    offset += array.byteLength;
  }
  return out;
}

/** Enough of a model file's start to hold its header: what a freshness check reads. */
export const MODEL_HEADER_BYTES = 64 * 1024;

function readHeader(buffer: Buffer): {
  readonly header: z.infer<typeof headerSchema>;
  readonly headerLength: number;
} {
  if (buffer.length < PREAMBLE_BYTES || buffer.toString('latin1', 0, 4) !== MAGIC) {
    throw new ModelFormatError('not an IP Insights model file (no "IPIM" header)');
  }
  const version = buffer.readUInt32LE(4);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new ModelFormatError(
      `model file format version ${version} is not supported (this build reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${String(READABLE_VERSIONS.at(-1))})`,
    );
  }
  const headerLength = buffer.readUInt32LE(8);
  if (PREAMBLE_BYTES + headerLength > buffer.length) throw truncated();
  const header = parseHeader(
    buffer.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength),
  );
  return { header, headerLength };
}

/** The metadata of a model from the first bytes of its file (`MODEL_HEADER_BYTES` are enough). */
export function decodeModelMetadata(bytes: Uint8Array): ModelMetadata {
  return readHeader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).header.metadata;
}

export function decodeModel(bytes: Uint8Array): IpInsightsModel {
  assertLittleEndianHost();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, headerLength } = readHeader(buffer);
  const arrays = new Map<SectionName, Float32Array | Uint32Array>();
  let offset = align4(PREAMBLE_BYTES + headerLength);
  for (const section of header.sections) {
    const end = offset + section.length * 4;
    if (end > buffer.length) throw truncated();
    // slice() copies into a fresh, aligned ArrayBuffer whatever the input's byteOffset.
    const copy = buffer.buffer.slice(buffer.byteOffset + offset, buffer.byteOffset + end);
    arrays.set(
      section.name,
      section.type === 'float32' ? new Float32Array(copy) : new Uint32Array(copy),
    );
    offset = end;
  }
  const hp = header.hyperparameters;
  const entityVectors = floatSection(
    arrays,
    'entityVectors',
    hp.num_entity_vectors * hp.vector_dim,
  );
  const ipVectors = floatSection(arrays, 'ipVectors', hp.num_ip_vectors * hp.vector_dim);
  const knownEntities = arrays.get('knownEntities');
  if (!(knownEntities instanceof Uint32Array)) throw missing('knownEntities');
  return new IpInsightsModel({
    hyperparameters: hp,
    entityVectors,
    ipVectors,
    knownEntities,
    calibration: {
      normal: floatSection(arrays, 'calibrationNormal'),
      random: floatSection(arrays, 'calibrationRandom'),
    },
    metadata: header.metadata,
    ...historySections(arrays, knownEntities.length),
    ...priorSections(arrays, header.metadata.trainingPairs),
  });
}

function priorSections(
  arrays: ReadonlyMap<SectionName, Float32Array | Uint32Array>,
  pairs: number,
): Pick<ModelParts, 'prior'> {
  const keys = arrays.get('priorKeys');
  const counts = arrays.get('priorCounts');
  if (keys === undefined && counts === undefined) return {};
  if (!(keys instanceof Uint32Array)) throw missing('priorKeys');
  if (!(counts instanceof Uint32Array)) throw missing('priorCounts');
  // The table is probed with a mask: its length must be a power of two, the same for both.
  if (
    keys.length !== counts.length ||
    keys.length === 0 ||
    (keys.length & (keys.length - 1)) !== 0
  ) {
    throw new ModelFormatError('model file prior sections are not one power-of-two table');
  }
  if (!keys.includes(0)) throw new ModelFormatError('model file prior table has no empty slot');
  return { prior: { keys, counts, pairs } };
}

function historySections(
  arrays: ReadonlyMap<SectionName, Float32Array | Uint32Array>,
  entities: number,
): Pick<ModelParts, 'history'> {
  if (!HISTORY_SECTIONS.some(([name]) => arrays.has(name))) return {};
  const uint = (name: SectionName, length?: number): Uint32Array => {
    const array = arrays.get(name);
    if (!(array instanceof Uint32Array)) throw missing(name);
    if (length !== undefined && array.length !== length) {
      throw new ModelFormatError(
        `model file section ${name} has ${array.length} values for ${entities} entities`,
      );
    }
    return array;
  };
  const history = {
    pairs: uint('historyPairs', entities),
    quantiles: floatSection(arrays, 'historyQuantiles', entities * HISTORY_PROBABILITIES.length),
    networkOffsets: uint('historyNetworkOffsets', entities + 1),
    networkPrefixes: uint('historyNetworkPrefixes'),
    networkCounts: uint('historyNetworkCounts'),
    networkOther: uint('historyNetworkOther', entities),
  };
  const networks = history.networkOffsets[entities] ?? 0;
  if (history.networkPrefixes.length !== networks || history.networkCounts.length !== networks) {
    throw new ModelFormatError('model file history sections disagree on the number of networks');
  }
  return { history };
}

function parseHeader(text: string): z.infer<typeof headerSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFormatError('model file header is not valid JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFormatError(
      `model file header: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`,
    );
  }
  if (parsed.data.ipPrefixLengths.join(',') !== IP_PREFIX_LENGTHS.join(',')) {
    throw new ModelFormatError(
      `model file encodes IP prefixes /${parsed.data.ipPrefixLengths.join(', /')}; this build encodes /${IP_PREFIX_LENGTHS.join(', /')}`,
    );
  }
  return parsed.data;
}

function floatSection(
  arrays: ReadonlyMap<SectionName, Float32Array | Uint32Array>,
  name: SectionName,
  expectedLength?: number,
): Float32Array {
  const array = arrays.get(name);
  if (!(array instanceof Float32Array)) throw missing(name);
  if (expectedLength !== undefined && array.length !== expectedLength) {
    throw new ModelFormatError(
      `model file section ${name} has ${array.length} values, the hyperparameters say ${expectedLength}`,
    );
  }
  return array;
}

function missing(name: string): ModelFormatError {
  return new ModelFormatError(`model file has no ${name} section`);
}

function truncated(): ModelFormatError {
  return new ModelFormatError('model file is truncated');
}

function align4(value: number): number {
  return Math.ceil(value / 4) * 4;
}
