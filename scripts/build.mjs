#!/usr/bin/env node
// `npm run build [-- --out DIR]`: the Lambda bundles exactly as `sam build` makes them, and the CLI.
//
// template.yaml is the single source of the Lambda build: every AWS::Serverless::Function with
// `Metadata: BuildMethod: esbuild` is bundled here with its own BuildProperties, so the bundles
// tested, measured (bench/coldstart.ts) and checked for IAM grants (test/deploy) are the ones SAM
// deploys. Output:
//   DIR/handlers/<name>/index.js (+ .map)   one bundle per function (<name> = entry file name)
//   DIR/meta/<name>.json                     esbuild metafile: which source files each bundle holds
//   DIR/meta/<name>.layers.json              the function's layers: {nodePath (as Lambda sets
//                                            NODE_PATH, relative to DIR), bytes}
//   DIR/layers/<LayerId>/                    each AWS::Serverless::LayerVersion the functions use
//   DIR/cli.js                               the command line (dependencies from node_modules,
//                                            workspace packages bundled in)
// A function whose entry file is not in this tree yet is skipped with a note on stderr.
// Exit codes: 0 built, 1 build failure, 2 bad usage or template.
import { chmod, cp, mkdir, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseDocument } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

class UsageError extends Error {}

function parseArgs(argv) {
  let out = join(ROOT, 'dist');
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--out' && argv[i + 1] !== undefined) out = resolve(argv[(i += 1)]);
    else throw new UsageError(`unknown argument ${arg} (usage: build.mjs [--out DIR])`);
  }
  return { out };
}

/**
 * The esbuild functions of the template. Intrinsic-function tags (!Ref, !Sub…) do not matter to
 * the build and are left unresolved here; test/deploy reads them properly.
 */
export function lambdaFunctions(templateText) {
  const doc = parseDocument(templateText);
  if (doc.errors.length > 0) throw new UsageError(`template.yaml: ${doc.errors[0].message}`);
  const resources = doc.toJS().Resources ?? {};
  const functions = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    if (resource.Metadata?.BuildMethod !== 'esbuild') continue;
    const props = resource.Metadata.BuildProperties ?? {};
    const entries = props.EntryPoints ?? [];
    if (entries.length !== 1) {
      throw new UsageError(`template.yaml ${logicalId}: EntryPoints must name one file`);
    }
    const entry = entries[0];
    const name = basename(entry, extname(entry));
    const handlerModule = String(resource.Properties?.Handler ?? '').split('.')[0];
    // SAM names the bundle after the entry file; the Handler must point into it.
    if (handlerModule !== name) {
      throw new UsageError(
        `template.yaml ${logicalId}: Handler ${resource.Properties?.Handler} does not match entry ${entry} (expected ${name}.<export>)`,
      );
    }
    const layers = (resource.Properties?.Layers ?? []).map((layerId) => {
      const layer = resources[layerId];
      // Tags are unresolved here: `!Ref Layer` reads as the string 'Layer'.
      if (
        layer?.Type !== 'AWS::Serverless::LayerVersion' ||
        typeof layer.Properties?.ContentUri !== 'string'
      ) {
        throw new UsageError(
          `template.yaml ${logicalId}: layer ${layerId} must be an AWS::Serverless::LayerVersion of this template with a local ContentUri`,
        );
      }
      return { logicalId: layerId, contentUri: layer.Properties.ContentUri };
    });
    functions.push({ logicalId, name, entry, props, layers });
  }
  return functions;
}

/** esbuild options equivalent to SAM's for one function's BuildProperties. */
export function lambdaBuildOptions(fn, out) {
  const { props } = fn;
  return {
    entryPoints: [join(ROOT, fn.entry)],
    outfile: join(out, 'handlers', fn.name, 'index.js'),
    bundle: true,
    platform: 'node',
    format: props.Format ?? 'cjs',
    target: props.Target ?? 'node20',
    minify: props.Minify === true,
    sourcemap: props.Sourcemap === true,
    external: props.External ?? [],
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Total size of the files under a folder. */
async function folderBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/**
 * Lambda extracts a function's layers into /opt and puts these folders on NODE_PATH (nodejs22.x),
 * so `require` finds a layer's modules when the bundle has not got them.
 */
export function layerNodePath(fn) {
  return fn.layers.flatMap(({ logicalId }) => [
    join('layers', logicalId, 'nodejs', 'node22', 'node_modules'),
    join('layers', logicalId, 'nodejs', 'node_modules'),
  ]);
}

/** Copies every layer the functions use into DIR/layers; their sizes by logical id. */
async function copyLayers(functions, out) {
  await rm(join(out, 'layers'), { recursive: true, force: true });
  const copied = new Map();
  for (const { logicalId, contentUri } of functions.flatMap((fn) => fn.layers)) {
    if (copied.has(logicalId)) continue;
    const target = join(out, 'layers', logicalId);
    await cp(join(ROOT, contentUri), target, { recursive: true });
    copied.set(logicalId, await folderBytes(target));
  }
  return copied;
}

async function buildLambdas(out) {
  const functions = lambdaFunctions(await readFile(join(ROOT, 'template.yaml'), 'utf8'));
  await rm(join(out, 'handlers'), { recursive: true, force: true });
  await rm(join(out, 'meta'), { recursive: true, force: true });
  await mkdir(join(out, 'meta'), { recursive: true });
  const layerBytes = await copyLayers(functions, out);
  const built = [...layerBytes].map(([logicalId, size]) => ({
    name: `${logicalId} (layer)`,
    size,
  }));
  for (const fn of functions) {
    if (!(await exists(join(ROOT, fn.entry)))) {
      process.stderr.write(`build: skipped ${fn.logicalId}: ${fn.entry} is not in this tree yet\n`);
      continue;
    }
    const result = await build(lambdaBuildOptions(fn, out));
    await writeFile(join(out, 'meta', `${fn.name}.json`), JSON.stringify(result.metafile));
    const layers = {
      nodePath: layerNodePath(fn),
      bytes: fn.layers.reduce((total, { logicalId }) => total + layerBytes.get(logicalId), 0),
    };
    await writeFile(join(out, 'meta', `${fn.name}.layers.json`), JSON.stringify(layers));
    const { size } = await stat(join(out, 'handlers', fn.name, 'index.js'));
    built.push({ name: `${fn.logicalId} (${fn.name})`, size });
  }
  return built;
}

/** The names of this repository's workspace packages (package.json `workspaces`). */
async function workspacePackages() {
  const { workspaces = [] } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const names = await Promise.all(
    workspaces.map(async (dir) => {
      const pkg = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8'));
      return pkg.name;
    }),
  );
  return new Set(names);
}

/**
 * Leaves every package to node_modules (like `packages: 'external'`) except the workspace ones:
 * they are TypeScript source, which Node cannot load, so the CLI carries them.
 */
function externalPackagesBut(bundled) {
  return {
    name: 'external-packages',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path
          .split('/')
          .slice(0, args.path.startsWith('@') ? 2 : 1)
          .join('/');
        return bundled.has(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

async function buildCli(out) {
  const outfile = join(out, 'cli.js');
  // The CLI ships in the npm package next to its node_modules; the shebang comes from src/cli/main.ts.
  await build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    plugins: [externalPackagesBut(await workspacePackages())],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  await chmod(outfile, 0o755);
  const { size } = await stat(outfile);
  return { name: 'cli', size };
}

async function main(argv) {
  const { out } = parseArgs(argv);
  const built = [...(await buildLambdas(out)), await buildCli(out)];
  for (const { name, size } of built) {
    process.stdout.write(`${name.padEnd(28)} ${(size / 1024).toFixed(0).padStart(6)} KiB\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`build: ${message.split('\n')[0]}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
