import { buildBundles, type BuildOutput } from '../../harness/deploy/build';
import { lambdaFunctions, ROOT } from '../../harness/deploy/functions';
import { loadTemplate, stackOf } from '../../harness/deploy/cfn';
import { join } from 'node:path';

/**
 * The embedded store (dynalite and LevelDB, a native module) is for laptops: the composition root
 * gives the Lambda functions `openDynamoStore` only, so no bundle carries it, and no template
 * `External` is needed to keep it out.
 */
const functions = lambdaFunctions(stackOf(loadTemplate(join(ROOT, 'template.yaml'))));
let build: BuildOutput;

beforeAll(() => {
  build = buildBundles();
});
afterAll(() => build.remove());

const EMBEDDED_ONLY = [
  /^src\/store\/embeddedDynamo\.ts$/,
  /^src\/app\/embeddedStore\.ts$/,
  /^src\/app\/demo\//,
  /node_modules\/dynalite\//,
  /node_modules\/(classic-)?level\//,
  /^packages\/slack-sandbox\//,
];

test.each(functions.map((fn) => [fn.logicalId, fn.name] as const))(
  '%s carries no embedded store, demo or sandbox',
  (_logicalId, name) => {
    const inputs = Object.keys(build.metafile(name).inputs);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((input) => EMBEDDED_ONLY.some((pattern) => pattern.test(input)))).toEqual(
      [],
    );
  },
);
