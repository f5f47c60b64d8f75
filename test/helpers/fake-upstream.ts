/**
 * The fake upstream now lives in @switchyard/testing (libs/testing) so plugin authors can use it;
 * this module re-exports it with the shared recordings folder (<repo>/../shared/fixtures) as the
 * default fixtures directory.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFixturesDir } from '@switchyard/testing/fake-upstream';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
setFixturesDir(path.resolve(REPO_ROOT, '../shared/fixtures'));

export * from '@switchyard/testing/fake-upstream';
