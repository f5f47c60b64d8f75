/**
 * The fake upstream lives in @switchyard/testing (libs/testing) so plugin authors can use it;
 * this module re-exports it with the recordings of each protocol, kept next to the plugin that
 * owns that protocol (`plugins/<plugin>/test/fixtures/<folder>/`), as the fixture folders.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFixturesDir } from '@switchyard/testing/fake-upstream';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The plugins whose `test/fixtures/` hold recorded provider traffic. */
export const FIXTURE_PLUGINS = ['anthropic', 'openai', 'openresponses', 'vertex'] as const;

setFixturesDir(FIXTURE_PLUGINS.map((plugin) => path.resolve(REPO_ROOT, 'plugins', plugin, 'test', 'fixtures')));

export * from '@switchyard/testing/fake-upstream';
