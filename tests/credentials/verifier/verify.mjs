// Runs @digitalcredentials/verifier-core over credentials the platform issued.
// Input (stdin): {"statusLists": {url: credential}, "schema": {url: schema},
//                 "credentials": {name: credential}}
// Output (stdout): {name: {errors, steps: {id: valid}, statusListIssuer}} as JSON.
// verifier-core has no document-loader option, so `fetch` is replaced: it answers the
// status lists and the schema given on stdin and refuses everything else (no network).
import { verifyCredential } from '@digitalcredentials/verifier-core';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const served = { ...(input.statusLists || {}), ...(input.schema || {}) };

globalThis.fetch = async (resource) => {
  const url = typeof resource === 'string' ? resource : resource.url ?? String(resource);
  if (Object.hasOwn(served, url)) {
    return new Response(JSON.stringify(served[url]), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }
  return new Response('not served in this test', { status: 404 });
};

const results = {};
for (const [name, credential] of Object.entries(input.credentials)) {
  const result = await verifyCredential({ credential, knownDIDRegistries: [] });
  const steps = {};
  for (const entry of result.log || []) steps[entry.id] = entry.valid;
  const listUrl = credential.credentialStatus?.statusListCredential;
  const list = listUrl ? served[listUrl] : undefined;
  const issuerOf = (value) => (typeof value === 'string' ? value : value?.id);
  results[name] = {
    errors: (result.errors || []).map((error) => ({ name: error.name, message: error.message })),
    steps,
    // verifier-core does not check who issued the status list: we report it.
    statusListIssuer: list ? issuerOf(list.issuer) : null,
    credentialIssuer: issuerOf(credential.issuer),
    schema: result.additionalInformation ?? null,
  };
}
process.stdout.write(JSON.stringify(results));
