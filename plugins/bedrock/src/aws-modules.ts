/**
 * The AWS SDK building blocks the plugin uses (Smithy event-stream codec and UTF-8 helpers,
 * SignatureV4, SHA-256, HttpRequest), imported on first use: a gateway without an aws-bedrock
 * backend never loads them (they cost a few hundred milliseconds at start-up on a busy machine).
 */
export interface AwsModules {
  EventStreamCodec: typeof import('@smithy/core/event-streams').EventStreamCodec;
  fromUtf8: typeof import('@smithy/core/serde').fromUtf8;
  toUtf8: typeof import('@smithy/core/serde').toUtf8;
  SignatureV4: typeof import('@smithy/signature-v4').SignatureV4;
  Sha256: typeof import('@aws-crypto/sha256-js').Sha256;
  HttpRequest: typeof import('@smithy/core/protocols').HttpRequest;
}

let loaded: AwsModules | null = null;
let loading: Promise<AwsModules> | null = null;

/** Loads the modules once (concurrent callers share the import). */
export function loadAwsModules(): Promise<AwsModules> {
  loading ??= Promise.all([
    import('@smithy/core/event-streams'),
    import('@smithy/core/serde'),
    import('@smithy/signature-v4'),
    import('@aws-crypto/sha256-js'),
    import('@smithy/core/protocols'),
  ]).then(([events, serde, sigv4, sha, protocols]) => {
    loaded = {
      EventStreamCodec: events.EventStreamCodec,
      fromUtf8: serde.fromUtf8,
      toUtf8: serde.toUtf8,
      SignatureV4: sigv4.SignatureV4,
      Sha256: sha.Sha256,
      HttpRequest: protocols.HttpRequest,
    };
    return loaded;
  });
  return loading;
}

/** The loaded modules, for synchronous code that runs after a request was signed (the stream framer). */
export function awsModules(): AwsModules {
  if (!loaded) throw new Error('the AWS SDK modules are not loaded yet (await loadAwsModules() first)');
  return loaded;
}
