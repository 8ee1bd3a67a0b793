/**
 * Everything only the embedded store needs, behind one module that the runtime imports on demand.
 * Lambda bundles mark this path external (template.yaml `External`, scripts/build.mjs), so they
 * carry neither dynalite (a native module) nor table creation, and grant neither.
 */
export { startEmbeddedDynamo } from './embeddedDynamo';
export { ensureTables } from '../store/ensureTables';
