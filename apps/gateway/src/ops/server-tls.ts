import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { ConfigError, type ServerTlsConfig } from '@switchyard/kernel';

/** The API listener's certificate chain and key, read from `server.tls` (PEM). */
export interface ServerTlsMaterial {
  cert: Buffer;
  key: Buffer;
}

function readPem(path: string, keyPath: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError(`${keyPath}: cannot read ${path}: ${why}`);
  }
}

/**
 * Reads `server.tls` and checks that the certificate and key parse and belong together (a
 * ConfigError naming the key otherwise), so neither start-up nor a reload serves a broken pair.
 */
export function loadServerTls(tls: ServerTlsConfig): { material: ServerTlsMaterial; context: SecureContext } {
  const material = { cert: readPem(tls.cert, 'server.tls.cert'), key: readPem(tls.key, 'server.tls.key') };
  try {
    return { material, context: createSecureContext(material) };
  } catch (err) {
    throw new ConfigError(`server.tls: the certificate (${tls.cert}) and key (${tls.key}) cannot be used: ${(err as Error).message}`);
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}
